-- Migration 8: four eyes on the control itself (domain.md §8).
--
-- While a year has a four-eyes threshold, weakening it (removing it or
-- raising it) and creating or re-activating a coordinator account are held
-- here as proposals until a second coordinator approves them, so that one
-- coordinator alone can never get round the control. `payload` is the
-- change as JSON (for a new account its password hash, never the password).
CREATE TABLE change_proposals (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('year_settings', 'user_create', 'user_activate')),
	target_id INTEGER NOT NULL DEFAULT 0,      -- the year, or the user to activate
	payload TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	proposed_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	resolved_by INTEGER REFERENCES users(id),
	resolved_at INTEGER,
	resolution_reason TEXT,
	result_id INTEGER,                          -- the user created, activated, or the year
	-- the second pair of eyes is never the first
	CHECK (status <> 'approved' OR resolved_by <> proposed_by)
);
CREATE INDEX change_proposals_status ON change_proposals(status, id);
