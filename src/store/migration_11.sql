-- Migration 11: e-mail notices (issue 17).
--
-- Where notices go: an organisation's contact e-mail, and each user who
-- chose on their own page to be notified (caseworkers of their
-- organisation's cases, coordinators of the daily digest).
ALTER TABLE organisations ADD COLUMN contact_email TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;

-- The outbox: one row per notice and recipient, written in the same
-- transaction as what it announces, delivered by the server's sender
-- thread with retries. sent_at is set only after the mail server accepted
-- the message (SMTP 250), so a crash or an outage loses none; dedupe names
-- the fact announced and the recipient, so that a notice found again by a
-- later scan (a period ending, a recertification due, the day's digest) is
-- not written twice. The text holds the case code, what and when, and a
-- link: never identity data or free text about the person. A decision's
-- letter is typeset when the notice is sent (decision_id).
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	recipient TEXT NOT NULL,
	lang TEXT NOT NULL DEFAULT 'sv',
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	decision_id INTEGER REFERENCES decisions(id),
	dedupe TEXT UNIQUE,
	created_at INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT,
	sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;
