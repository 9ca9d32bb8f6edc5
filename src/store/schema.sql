-- Migration 1: the whole schema of nsp. Days are INTEGER days since
-- 1970-01-01 (src/domain/day.h); money is INTEGER öre; enum values are their
-- names from src/domain/enums.c; flag sets are bit masks (1 << enum value).
-- Timestamps (created_at, audit at) are Unix seconds.

CREATE TABLE organisations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	regions INTEGER NOT NULL DEFAULT 0,        -- mask over enum region
	contact TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE certifications (
	id INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	status TEXT NOT NULL,
	date INTEGER NOT NULL,
	requirements TEXT NOT NULL DEFAULT '{}',  -- JSON object of the year's checklist
	recorded_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX certifications_org ON certifications(organisation_id, date);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,               -- argon2id string from libsodium
	role TEXT NOT NULL,
	organisation_id INTEGER REFERENCES organisations(id),
	active INTEGER NOT NULL DEFAULT 1,
	lang TEXT NOT NULL DEFAULT 'sv',
	created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,               -- BLAKE2b of the token; the token itself is never stored
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE persons (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,                 -- NSP-YYYY-NNNN
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	gender TEXT NOT NULL,
	age_group TEXT NOT NULL,
	birth_year INTEGER,
	exploitation INTEGER NOT NULL DEFAULT 0,
	places INTEGER NOT NULL DEFAULT 0,
	violence INTEGER NOT NULL DEFAULT 0,
	referral_source TEXT,
	legal_status TEXT,
	sweden_responsible INTEGER NOT NULL DEFAULT 0,
	parent_id INTEGER REFERENCES persons(id),
	child_role TEXT,                           -- NULL for adults
	identity BLOB,                             -- XChaCha20-Poly1305 sealed JSON, AD = id
	exit_on INTEGER,
	exit_destination TEXT,
	identity_erased_on INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX persons_org ON persons(organisation_id);
CREATE INDEX persons_parent ON persons(parent_id);

CREATE TABLE applications (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES persons(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	type TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'submitted',
	submitted_on INTEGER NOT NULL,
	from_day INTEGER,
	to_day INTEGER,
	units INTEGER,
	category TEXT,
	basis_kind TEXT NOT NULL,
	basis_actor TEXT,
	basis_reason TEXT,
	basis_reference TEXT,
	basis_actor_kind TEXT,
	basis_reason_category TEXT,
	identified INTEGER NOT NULL DEFAULT 0,
	needs_assessment TEXT,
	plan TEXT,
	evaluation TEXT,
	motivation TEXT,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX applications_person ON applications(person_id);
CREATE INDEX applications_org_status ON applications(organisation_id, status);
CREATE INDEX applications_status ON applications(status, submitted_on);

CREATE TABLE application_children (
	application_id INTEGER NOT NULL REFERENCES applications(id),
	child_id INTEGER NOT NULL REFERENCES persons(id),
	PRIMARY KEY (application_id, child_id)
) WITHOUT ROWID;
CREATE INDEX application_children_child ON application_children(child_id);

CREATE TABLE decisions (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
	person_id INTEGER NOT NULL REFERENCES persons(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	type TEXT NOT NULL,                        -- copied from the application
	outcome TEXT NOT NULL,
	decided_on INTEGER NOT NULL,
	year INTEGER NOT NULL,                     -- year of decided_on: the budget year (R10)
	from_day INTEGER,
	to_day INTEGER,
	units INTEGER,
	emergency INTEGER NOT NULL DEFAULT 0,
	emergency_cleared_on INTEGER,
	reason TEXT NOT NULL DEFAULT '',
	budget_override_reason TEXT,
	total_ore INTEGER NOT NULL DEFAULT 0,
	closed_on INTEGER,
	decided_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX decisions_person ON decisions(person_id);
CREATE INDEX decisions_org ON decisions(organisation_id);
CREATE INDEX decisions_year ON decisions(year);
CREATE INDEX decisions_period ON decisions(from_day, to_day);

CREATE TABLE decision_lines (
	id INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	code TEXT NOT NULL,
	person_id INTEGER NOT NULL REFERENCES persons(id),
	days INTEGER NOT NULL,
	amount_ore INTEGER NOT NULL
);
CREATE INDEX decision_lines_decision ON decision_lines(decision_id);

CREATE TABLE payments (
	id INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
	paid_on INTEGER NOT NULL,
	reference TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX payments_decision ON payments(decision_id);
CREATE INDEX payments_paid_on ON payments(paid_on);

-- Append-only: commit (+granted), payment (+paid), release (+unused when closed).
-- year is always the year of the decision the row belongs to.
CREATE TABLE ledger (
	id INTEGER PRIMARY KEY,
	year INTEGER NOT NULL,
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	kind TEXT NOT NULL CHECK (kind IN ('commit', 'payment', 'release')),
	amount_ore INTEGER NOT NULL CHECK (amount_ore >= 0),
	on_day INTEGER NOT NULL,
	payment_id INTEGER REFERENCES payments(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX ledger_year ON ledger(year, kind);
CREATE INDEX ledger_decision ON ledger(decision_id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
	BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
	BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

CREATE TABLE years (
	year INTEGER PRIMARY KEY,
	budget_ore INTEGER,                        -- NULL: no budget (R10 refuses all but overrides)
	four_eyes_ore INTEGER
);
CREATE TABLE rates (
	year INTEGER NOT NULL,
	code TEXT NOT NULL,
	rate_ore INTEGER NOT NULL CHECK (rate_ore >= 0),
	PRIMARY KEY (year, code)
) WITHOUT ROWID;
CREATE TABLE point_rates (
	year INTEGER NOT NULL,
	category TEXT NOT NULL,
	unit TEXT NOT NULL,
	rate_ore INTEGER NOT NULL CHECK (rate_ore >= 0),
	PRIMARY KEY (year, category)
) WITHOUT ROWID;

CREATE TABLE placement_requests (
	id INTEGER PRIMARY KEY,
	date INTEGER NOT NULL,
	region TEXT NOT NULL,
	target_group TEXT NOT NULL,
	outcome TEXT NOT NULL,
	organisation_id INTEGER REFERENCES organisations(id),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX placement_requests_date ON placement_requests(date);

-- No field for personal data of the person discussed (domain.md §9).
CREATE TABLE consultations (
	id INTEGER PRIMARY KEY,
	date INTEGER NOT NULL,
	asker TEXT NOT NULL,
	region TEXT NOT NULL,
	topic TEXT NOT NULL,
	minutes INTEGER NOT NULL CHECK (minutes >= 0),
	outcome TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX consultations_date ON consultations(date);

-- Hash chain: hash = keyed BLAKE2b(id, at, user_id, action, entity, entity_id, detail, prev_hash).
CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	user_id INTEGER,
	action TEXT NOT NULL,
	entity TEXT NOT NULL DEFAULT '',
	entity_id INTEGER,
	detail TEXT NOT NULL DEFAULT '',
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
);
