-- Migration 4: what a large database needs to stay fast (bench/, issue 7:
-- 1,000,000 persons and 10,000,000 ledger rows).
--
-- The ledger's running totals per year and kind, kept by a trigger in the
-- same transaction as every ledger row. R10 checks each decision against
-- what its year has committed, paid and released; summing the year's ledger
-- rows for that read every row of the year, ~1,000,000 a decision at that
-- size. The ledger is append-only (its triggers refuse UPDATE and DELETE),
-- so the totals cannot drift from it. Money is INTEGER öre: a total that
-- would overflow into a REAL fails the CHECK, and with it the insert, rather
-- than lose precision.
CREATE TABLE ledger_totals (
	year INTEGER NOT NULL,
	kind TEXT NOT NULL,
	amount_ore INTEGER NOT NULL CHECK (typeof(amount_ore) = 'integer'),
	PRIMARY KEY (year, kind)
) WITHOUT ROWID;
INSERT INTO ledger_totals (year, kind, amount_ore)
	SELECT year, kind, SUM(amount_ore) FROM ledger GROUP BY year, kind;
CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger
	BEGIN
		INSERT INTO ledger_totals (year, kind, amount_ore) VALUES (new.year, new.kind, new.amount_ore)
		ON CONFLICT (year, kind) DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore;
	END;

-- The annual report's year filters (statements.c, ST_REPORT_*), which read
-- whole tables without them: decisions made in the year, and granted periods
-- overlapping it (to_day >= the year's first day is the selective half of the
-- overlap; SQLite unions the two with its OR optimisation); applications
-- submitted in the year with the basis columns the report counts (covering);
-- payments dated in the year with their decision and amount (covering, so it
-- replaces the index on paid_on alone).
CREATE INDEX decisions_decided_on ON decisions(decided_on);
CREATE INDEX decisions_to_day ON decisions(to_day);
CREATE INDEX applications_submitted ON applications(submitted_on, basis_kind, basis_actor_kind,
	basis_reason_category);
CREATE INDEX payments_paid ON payments(paid_on, decision_id, amount_ore);
DROP INDEX payments_paid_on;

-- The persons whose identity the retention run (R12) may have to erase: those
-- who have left and still have one. The run at every server start and then
-- daily read every person to find them (seconds at 1,000,000 persons).
CREATE INDEX persons_exit_identity ON persons(exit_on) WHERE identity IS NOT NULL AND exit_on IS NOT NULL;
