-- Migration 14: ids that count nothing (issue 16).
--
-- Persons, applications, decisions, claims, payments, placement requests and contacts were numbered
-- 1, 2, 3 … across all organisations, and their ids are in every URL and
-- answer: a caseworker who registered two persons a week apart read from the
-- two ids how many the other organisations had registered in between. From
-- this migration on, a new row of these tables gets a random id in
-- [1, 2^53) (src/store/db.c, stmt_insert_new_id: JSON and JavaScript hold it
-- exactly), and `seq` keeps the order of registration, which the lists
-- ("oldest first", "newest first", pages by offset) sort by. seq is never
-- shown.
--
-- Existing rows keep their ids: a person's sealed identity is bound to the
-- id (its associated data, so re-sealing would need the key, which an
-- upgrade does not have), the audit chain names the ids it was signed with,
-- and links and letters already given out name them. What they tell is only
-- the count up to the upgrade. Their seq is their id, so the order of old
-- rows is unchanged and new rows follow them.
ALTER TABLE persons ADD COLUMN seq INTEGER;
UPDATE persons SET seq = id;
CREATE UNIQUE INDEX persons_seq ON persons(seq);
DROP INDEX persons_org;
CREATE INDEX persons_org ON persons(organisation_id, seq);

-- An organisation's lists (a caseworker's) read these indexes in order.
ALTER TABLE applications ADD COLUMN seq INTEGER;
UPDATE applications SET seq = id;
CREATE UNIQUE INDEX applications_seq ON applications(seq);
CREATE INDEX applications_org ON applications(organisation_id, seq);

ALTER TABLE decisions ADD COLUMN seq INTEGER;
UPDATE decisions SET seq = id;
CREATE UNIQUE INDEX decisions_seq ON decisions(seq);
DROP INDEX decisions_org;
CREATE INDEX decisions_org ON decisions(organisation_id, seq);

ALTER TABLE claims ADD COLUMN seq INTEGER;
UPDATE claims SET seq = id;
CREATE UNIQUE INDEX claims_seq ON claims(seq);
DROP INDEX claims_status;
CREATE INDEX claims_status ON claims(status, seq);
DROP INDEX claims_org;
CREATE INDEX claims_org ON claims(organisation_id, seq);

-- Payments are append-only: the trigger steps aside for the one update that
-- gives the old rows their place, and is put back as it was.
ALTER TABLE payments ADD COLUMN seq INTEGER;
DROP TRIGGER payments_no_update;
UPDATE payments SET seq = id;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
	BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE UNIQUE INDEX payments_seq ON payments(seq);

-- A caseworker's placement requests (unmet demand) are listed with their ids.
ALTER TABLE placement_requests ADD COLUMN seq INTEGER;
UPDATE placement_requests SET seq = id;
CREATE UNIQUE INDEX placement_requests_seq ON placement_requests(seq);

-- Contacts with persons outside the programme (migration 13), a member organisation's own.
ALTER TABLE contacts ADD COLUMN seq INTEGER;
UPDATE contacts SET seq = id;
CREATE UNIQUE INDEX contacts_seq ON contacts(seq);
