-- Migration 10: decision letters (issue 17).
--
-- A letter gives the reason for a partial grant or a denial in the words of
-- the programme's rules: the rules that refused the application as it was
-- applied for, judged when the decision was made (afterwards the decision
-- itself changes what the rules see: a granted period counts against R3).
-- One row per refusing rule, in the order of the checks; both languages,
-- as the rule worded them then.
CREATE TABLE decision_refusals (
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	position INTEGER NOT NULL,
	rule TEXT NOT NULL,
	message_sv TEXT NOT NULL,
	message_en TEXT NOT NULL,
	PRIMARY KEY (decision_id, position)
) WITHOUT ROWID;
