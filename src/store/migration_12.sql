-- Migration 12: linkage keys and the coordinator's marks on pairs (issue 19).
--
-- What is kept of a subject's identity to count each person once across
-- organisations (src/domain/linkage.h): never the identity itself, only keyed
-- hashes under a key derived from the database key ("nsp_keys" subkey 7), so
-- they are useless outside this installation. A subject is a registered
-- person ('person', persons.id) or a contact of the contact register
-- ('contact', its id). The row stays when R12 erases the identity, so that
-- past counts hold; it goes when the identity is removed by a correction.
-- organisation_id is the subject's organisation, for pairs "across
-- organisations" in the coordinator's list.
CREATE TABLE linkage_keys (
	subject_kind TEXT NOT NULL CHECK (subject_kind IN ('person', 'contact')),
	subject_id INTEGER NOT NULL,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	fields INTEGER NOT NULL,        -- bit 0 name, 1 birth date, 2 birth country: present
	exact_key BLOB,                 -- keyed BLAKE2b-256 of name and birth date; NULL unless both
	bloom BLOB NOT NULL,            -- the field-level Bloom filters, LINKAGE_BLOOM_BYTES
	blocks BLOB NOT NULL,           -- 8-byte keyed blocking keys, concatenated
	computed_at INTEGER NOT NULL,   -- unix time
	PRIMARY KEY (subject_kind, subject_id)
) WITHOUT ROWID;
CREATE INDEX linkage_keys_exact ON linkage_keys(exact_key) WHERE exact_key IS NOT NULL;

-- The coordinator's word on a pair: the same person (same = 1) or not the
-- same (0); the latest word replaces an earlier one. The pair is stored in
-- one order (a before b by kind, then id) so that it has one row.
CREATE TABLE linkage_marks (
	a_kind TEXT NOT NULL CHECK (a_kind IN ('person', 'contact')),
	a_id INTEGER NOT NULL,
	b_kind TEXT NOT NULL CHECK (b_kind IN ('person', 'contact')),
	b_id INTEGER NOT NULL,
	same INTEGER NOT NULL CHECK (same IN (0, 1)),
	marked_by INTEGER NOT NULL REFERENCES users(id),
	marked_at INTEGER NOT NULL,     -- unix time
	PRIMARY KEY (a_kind, a_id, b_kind, b_id),
	CHECK (a_kind < b_kind OR (a_kind = b_kind AND a_id < b_id))
) WITHOUT ROWID;
