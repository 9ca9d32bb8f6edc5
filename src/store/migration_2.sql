-- Migration 2: organisations (domain.md §3, §4, §8 four-eyes). The minimum
-- requirements as data versioned per year, the recertification interval,
-- quality follow-up, places per region and target group, where a housed
-- person is placed, and decisions waiting for a second coordinator.
-- Conventions as in migration 1: days are INTEGER days since 1970-01-01,
-- money INTEGER öre, enum values their names, timestamps Unix seconds.

-- The checklist of minimum requirements (minimikrav) of a certification.
-- A year uses its own rows, else those of the latest earlier year that has
-- any, else those of the earliest year stored: a new requirement (such as the
-- one planned for children placed with a parent) is a new row for its year,
-- not code. required = 0: recorded with the event, not needed to certify.
CREATE TABLE cert_requirements (
	year INTEGER NOT NULL,
	key TEXT NOT NULL,                         -- [a-z][a-z0-9_]*: the key in certifications.requirements
	position INTEGER NOT NULL,                 -- order on the checklist
	label_sv TEXT NOT NULL,
	label_en TEXT NOT NULL,
	required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
	PRIMARY KEY (year, key)
) WITHOUT ROWID;
INSERT INTO cert_requirements (year, key, position, label_sv, label_en, required) VALUES
	(2025, 'knowledge_of_trafficking', 1,
	 'Kunskap om människohandel och om brottsoffrens behov och rättigheter',
	 'Knowledge of trafficking and of victims'' needs and rights', 1),
	(2025, 'threat_and_risk_routines', 2,
	 'Skriftliga rutiner för hot- och riskbedömning',
	 'Written routines for threat and risk assessment', 1),
	(2025, 'security_routines', 3, 'Säkerhetsrutiner', 'Security routines', 1),
	(2025, 'support_matches_rights', 4,
	 'Stöd som motsvarar det brottsoffret har rätt till',
	 'Support that matches what a victim is entitled to', 1);

-- The checklist year each certification event was checked against (NULL for
-- events recorded before this migration).
ALTER TABLE certifications ADD COLUMN checklist_year INTEGER;

-- Programme-wide settings that are numbers. recertification_months: a
-- certification is due for renewal this long after its latest certified event.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('recertification_months', 36);

-- Quality follow-up: site visits, surveys and network meetings, each with the
-- organisations it concerns (a network meeting has several).
CREATE TABLE follow_ups (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,                        -- site_visit, survey, network_meeting
	date INTEGER NOT NULL,
	notes TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX follow_ups_date ON follow_ups(date);
CREATE TABLE follow_up_organisations (
	follow_up_id INTEGER NOT NULL REFERENCES follow_ups(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	PRIMARY KEY (follow_up_id, organisation_id)
) WITHOUT ROWID;
CREATE INDEX follow_up_organisations_org ON follow_up_organisations(organisation_id, follow_up_id);

-- Places (boendeplatser) of an organisation per police region and target
-- group, as they are now. Occupancy is never stored: it is derived from the
-- granted daily-compensation periods covering a day.
CREATE TABLE capacity (
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	region TEXT NOT NULL,
	target_group TEXT NOT NULL,
	places INTEGER NOT NULL CHECK (places >= 0),
	PRIMARY KEY (organisation_id, region, target_group)
) WITHOUT ROWID;

-- Where a daily-compensation application houses the person: the police region
-- (NULL when the organisation works in several and none was named) and the
-- target group (NULL when it cannot be told).
ALTER TABLE applications ADD COLUMN housing_region TEXT;
ALTER TABLE applications ADD COLUMN housing_target_group TEXT;
CREATE INDEX decisions_type_period ON decisions(type, from_day, to_day);

-- Four-eyes: the second coordinator who approved a decision above the year's
-- threshold (NULL: committed by one coordinator).
ALTER TABLE decisions ADD COLUMN approved_by INTEGER REFERENCES users(id);

-- A decision above the year's four-eyes threshold waits here, outside the
-- decisions and the ledger, until another coordinator approves it (then it
-- is recorded as a decision) or it is rejected (the application is back in
-- the queue). At most one is pending per application.
CREATE TABLE decision_proposals (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES applications(id),
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	outcome TEXT NOT NULL,
	decided_on INTEGER NOT NULL,
	from_day INTEGER,
	to_day INTEGER,
	units INTEGER,
	emergency INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	budget_override_reason TEXT,
	total_ore INTEGER NOT NULL CHECK (total_ore >= 0),
	threshold_ore INTEGER NOT NULL,            -- the year's threshold when proposed
	proposed_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	resolved_by INTEGER REFERENCES users(id),
	resolved_at INTEGER,
	resolution_reason TEXT,
	decision_id INTEGER REFERENCES decisions(id),
	-- the second pair of eyes is never the first
	CHECK (status <> 'approved' OR (resolved_by IS NOT NULL AND resolved_by <> proposed_by
	                                AND decision_id IS NOT NULL))
);
CREATE UNIQUE INDEX decision_proposals_pending ON decision_proposals(application_id) WHERE status = 'pending';
CREATE INDEX decision_proposals_status ON decision_proposals(status, id);
