-- Migration 13: the contact register and the platform's member organisations
-- (issue 19). Conventions as in migration 1: days are INTEGER days since
-- 1970-01-01, enum values their names, sets INTEGER masks, timestamps Unix
-- seconds.

-- A member organisation of the platform (Plattformen Civila Sverige mot
-- människohandel) records contacts, certified or not; certification still
-- governs applications (R1). An organisation that has ever been certified
-- was taken into the programme through the platform: it is a member.
ALTER TABLE organisations ADD COLUMN member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1));
UPDATE organisations SET member = 1
	WHERE id IN (SELECT organisation_id FROM certifications WHERE status = 'certified');

-- A contact with a person who needed support that the public sector did not
-- give and who is not (yet) in the programme. No identity: name, birth date
-- and birth country, when given, only make the linkage keys (their own
-- table) and are then dropped, never stored here or anywhere else.
CREATE TABLE contacts (
	id INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	date INTEGER NOT NULL,
	gender TEXT NOT NULL,
	age_group TEXT NOT NULL,
	exploitation INTEGER NOT NULL DEFAULT 0,   -- mask over enum exploitation
	region TEXT NOT NULL,                      -- police region
	referral_source TEXT,
	missing_support INTEGER NOT NULL DEFAULT 0, -- mask over enum support_need
	basis TEXT,                                -- why: no_designated_actor, public_actor_denied
	actor_kind TEXT,                           -- the public actor that refused, when one did
	reason_category TEXT,                      -- its reason (the categories of R2)
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX contacts_org_date ON contacts(organisation_id, date);
CREATE INDEX contacts_date ON contacts(date);
