-- Migration 6: the caseworker's start page on a large database.
--
-- "Decisions waiting for a claim" (ST_PAGE_UNCLAIMED) are the open decisions
-- with money and no payment yet. Finding them looked for payments of every
-- open decision with money: 500,000 of them at 1,000,000 persons, 1.4 s for
-- every start page. Each decision now carries the day of its first payment,
-- set by a trigger in the same transaction as the payment (payments are
-- append-only, migration 5), and a partial index holds exactly the
-- decisions still waiting, in the page's order.
ALTER TABLE decisions ADD COLUMN first_paid_on INTEGER;
UPDATE decisions SET first_paid_on = (SELECT MIN(p.paid_on) FROM payments p WHERE p.decision_id = decisions.id)
	WHERE id IN (SELECT decision_id FROM payments);
CREATE TRIGGER payments_first_paid_on AFTER INSERT ON payments
	BEGIN
		UPDATE decisions SET first_paid_on = new.paid_on
		WHERE id = new.decision_id AND (first_paid_on IS NULL OR first_paid_on > new.paid_on);
	END;
CREATE INDEX decisions_unclaimed ON decisions(decided_on, id)
	WHERE closed_on IS NULL AND total_ore > 0 AND first_paid_on IS NULL;
