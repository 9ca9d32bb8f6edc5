-- Migration 9: claims (rekvisitioner) and payments split by line (issue 14).
--
-- An organisation claims the days (or units) it used; the coordinator
-- approves a claim, which records its payment, or rejects it with a reason.
-- A submitted claim reserves its amount on the decision (R14).
CREATE TABLE claims (
	id INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id), -- the decision's, for the lists
	from_day INTEGER,                          -- per-day codes: the days used
	to_day INTEGER,
	units INTEGER,                             -- point interventions: the units used
	reference TEXT NOT NULL,                   -- the organisation's own (invoice number)
	amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
	status TEXT NOT NULL CHECK (status IN ('submitted', 'paid', 'rejected')),
	submitted_on INTEGER NOT NULL,
	submitted_by INTEGER REFERENCES users(id),
	decided_on INTEGER,                        -- paid_on of its payment, or the day it was rejected
	decided_by INTEGER REFERENCES users(id),
	reject_reason TEXT,
	payment_id INTEGER REFERENCES payments(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX claims_decision ON claims(decision_id, status);
CREATE INDEX claims_status ON claims(status, id);
CREATE INDEX claims_org ON claims(organisation_id, id);

-- A claim's amount by code, priced as its decision was (the child supplement
-- on its own line); approving the claim pays exactly these lines.
CREATE TABLE claim_lines (
	claim_id INTEGER NOT NULL REFERENCES claims(id),
	code TEXT NOT NULL,
	days INTEGER NOT NULL,                     -- days, or units for point interventions
	amount_ore INTEGER NOT NULL CHECK (amount_ore >= 0),
	PRIMARY KEY (claim_id, code)
) WITHOUT ROWID;

-- What each payment paid under which code, so that "paid per intervention"
-- shows a child supplement under its own *_child code (domain.md §8). A
-- payment from a claim has the claim's lines; one by amount is split over
-- its decision's lines in proportion to their granted amounts, rounded down,
-- the remainder öre to the first line (src/domain/claims.h, payment_split).
CREATE TABLE payment_lines (
	payment_id INTEGER NOT NULL REFERENCES payments(id),
	code TEXT NOT NULL,
	amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
	PRIMARY KEY (payment_id, code)
) WITHOUT ROWID;
CREATE TRIGGER payment_lines_no_update BEFORE UPDATE ON payment_lines
	BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payment_lines_no_delete BEFORE DELETE ON payment_lines
	BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;

-- The payments made before this migration, split once with payment_split's
-- arithmetic: the decision's lines with money, the first by id taking the
-- remainder. (A decision's total is at most a few million kronor, so
-- amount × granted stays far inside 64 bits.)
INSERT INTO payment_lines (payment_id, code, amount_ore)
	SELECT payment_id, code, CASE WHEN rn = 1 THEN share + paid - shared ELSE share END
	FROM (SELECT payment_id, code, rn, paid, share, SUM(share) OVER (PARTITION BY payment_id) AS shared
	      FROM (SELECT p.id AS payment_id, l.code, p.amount_ore AS paid,
			   p.amount_ore * l.amount_ore / SUM(l.amount_ore) OVER (PARTITION BY p.id) AS share,
			   ROW_NUMBER() OVER (PARTITION BY p.id ORDER BY l.id) AS rn
		    FROM payments p JOIN decision_lines l ON l.decision_id = p.decision_id AND l.amount_ore > 0))
	WHERE (CASE WHEN rn = 1 THEN share + paid - shared ELSE share END) > 0;
-- A payment on a decision without lines (none can be made: R14) would keep
-- the decision's type, as before.
INSERT INTO payment_lines (payment_id, code, amount_ore)
	SELECT p.id, d.type, p.amount_ore FROM payments p JOIN decisions d ON d.id = p.decision_id
	WHERE NOT EXISTS (SELECT 1 FROM payment_lines pl WHERE pl.payment_id = p.id);

-- The totals of migration 5 now follow the lines: the same days, the codes
-- of the lines. The report still holds them against the payments.
DROP TRIGGER payment_totals_add;
DROP TRIGGER payment_totals_no_delete;
DELETE FROM payment_totals;
INSERT INTO payment_totals (paid_on, code, amount_ore)
	SELECT p.paid_on, pl.code, SUM(pl.amount_ore) FROM payment_lines pl JOIN payments p ON p.id = pl.payment_id
	GROUP BY p.paid_on, pl.code;
CREATE TRIGGER payment_totals_add AFTER INSERT ON payment_lines
	BEGIN
		INSERT INTO payment_totals (paid_on, code, amount_ore)
		SELECT p.paid_on, new.code, new.amount_ore FROM payments p WHERE p.id = new.payment_id
		ON CONFLICT (paid_on, code) DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore;
	END;
CREATE TRIGGER payment_totals_no_delete BEFORE DELETE ON payment_totals
	BEGIN SELECT RAISE(ABORT, 'payment totals follow the payments'); END;
