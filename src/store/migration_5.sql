-- Migration 5: the annual report under 2 s on a large database (issue 5:
-- one year of 1,000,000 persons and 10,000,000 ledger rows).
--
-- The report's year filters read the decisions of the year (made in it, or
-- granted with a period overlapping it: ~200,000 of 1,900,000 there) by
-- the two indexes of migration 4, then each decision's row in the table for
-- the columns it counts: a random lookup per decision, most of the report's
-- time. The same two orderings, carrying those columns, answer the filters
-- from the index alone (SQLite's "covering index"). They replace the
-- narrower ones, so a decision still updates the same number of indexes.
CREATE INDEX decisions_decided_cover ON decisions(decided_on, outcome, type, emergency, person_id,
	application_id);
CREATE INDEX decisions_period_cover ON decisions(to_day, from_day, outcome, type, decided_on,
	person_id, application_id);
DROP INDEX decisions_decided_on;
DROP INDEX decisions_to_day;

-- What was paid per day and intervention code (its decision's type), kept
-- by a trigger in the same transaction as every payment, like the ledger's
-- totals of migration 4: the report's "paid per intervention" otherwise
-- looks up the decision of each of the year's payments (~875,000 there).
-- The report still sums the payments themselves for "paid" and refuses to
-- answer when the two disagree (report_check), so a drift cannot go unseen.
-- Payments, like the ledger, are never changed or removed once made.
CREATE TABLE payment_totals (
	paid_on INTEGER NOT NULL,
	code TEXT NOT NULL,
	amount_ore INTEGER NOT NULL CHECK (typeof(amount_ore) = 'integer'),
	PRIMARY KEY (paid_on, code)
) WITHOUT ROWID;
INSERT INTO payment_totals (paid_on, code, amount_ore)
	SELECT p.paid_on, d.type, SUM(p.amount_ore) FROM payments p JOIN decisions d ON d.id = p.decision_id
	GROUP BY p.paid_on, d.type;
CREATE TRIGGER payment_totals_add AFTER INSERT ON payments
	BEGIN
		INSERT INTO payment_totals (paid_on, code, amount_ore)
		SELECT new.paid_on, d.type, new.amount_ore FROM decisions d WHERE d.id = new.decision_id
		ON CONFLICT (paid_on, code) DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore;
	END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
	BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
	BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payment_totals_no_delete BEFORE DELETE ON payment_totals
	BEGIN SELECT RAISE(ABORT, 'payment totals follow the payments'); END;
