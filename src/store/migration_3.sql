-- Migration 3: the second factor of a login (TOTP, RFC 6238), its recovery
-- codes, and the short-lived challenges between a login's password step and
-- its code step. Timestamps are Unix seconds.

-- At most one TOTP secret per user: pending (confirmed_at NULL) from the start
-- of an enrolment until its first code is confirmed, then in force.
CREATE TABLE user_totp (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	secret BLOB NOT NULL,                      -- nonce || XChaCha20-Poly1305(20-byte secret), AD = user id
	confirmed_at INTEGER,                      -- NULL while the enrolment is pending
	last_step INTEGER NOT NULL DEFAULT -1,     -- the newest time step accepted: a code is used once
	created_at INTEGER NOT NULL
);

-- Ten single-use codes per enrolment for a lost authenticator. Only a keyed
-- BLAKE2b-256 of (user id, code) is stored; the codes are shown once.
CREATE TABLE recovery_codes (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	code_hash BLOB NOT NULL UNIQUE,
	used_at INTEGER                            -- NULL until used
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- A login whose password was right and whose code is awaited: no session yet.
-- Like sessions, only a keyed hash of the token is stored.
CREATE TABLE login_challenges (
	token_hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0        -- wrong codes given with this challenge
);
CREATE INDEX login_challenges_user ON login_challenges(user_id);
