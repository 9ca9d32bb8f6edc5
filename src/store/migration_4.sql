-- Migration 4: the ledger's running totals per year and kind, kept by a
-- trigger in the same transaction as every ledger row. R10 checks each
-- decision against what its year has committed, paid and released; summing
-- the year's ledger rows for that read every row of the year, ~1,000,000 a
-- decision at the benchmark's size (bench/, issue 7). The ledger is
-- append-only (its triggers refuse UPDATE and DELETE), so the totals cannot
-- drift from it. Money is INTEGER öre: a total that would overflow into a
-- REAL fails the CHECK, and with it the insert, rather than lose precision.
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
