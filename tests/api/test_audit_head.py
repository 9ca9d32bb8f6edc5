"""`nsp audit head` (a signed head of the audit log, kept outside the
server) and `nsp audit verify --head FILE` (the log has only grown since)."""
import hashlib
import os
import re
import sqlite3
import struct
import tempfile

from harness import COORD_PASSWORD, Server, World, run_nsp

PW = {"NSP_PASSWORD": COORD_PASSWORD}
HEAD_RE = re.compile(r"nsp audit head v1\nentry: (\d+)\nhash: ([0-9a-f]{64})\n"
                     r"time: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\npublic_key: ([0-9a-f]{64})\n"
                     r"signature: ([0-9a-f]{128})\n\Z")


def head(s, path):
    r = run_nsp("audit", "head", "--db", s.db)
    assert r.returncode == 0, r
    m = HEAD_RE.match(r.stdout)
    assert m, r.stdout
    with open(path, "w") as fh:
        fh.write(r.stdout)
    return m


def verify(s, head_file, db=None):
    return run_nsp("audit", "verify", "--db", db or s.db, "--head", head_file)


def refused(r, *words):
    """A refusal: non-zero status, one sentence on standard error naming what is wrong."""
    assert r.returncode != 0, r
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def writes(s, w, n=3):
    org = w.org()
    for _ in range(n):
        w.person(org)


def stored_head(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()


# ---- an attacker who holds the key file can recompute the whole chain (audit.c's encoding)

def subkey(master, i):
    """crypto_kdf_derive_from_key(32, i, "nsp_keys", master) in Python."""
    return hashlib.blake2b(b"", digest_size=32, key=master, salt=struct.pack("<Q", i) + bytes(8),
                           person=b"nsp_keys" + bytes(8)).digest()


def rechain(db, key_file):
    """Recomputes every audit hash after an edit, as a key holder could: the
    chain verifies again, only a head kept elsewhere can tell."""
    with open(key_file) as fh:
        key = subkey(bytes.fromhex(fh.read().strip()), 2)

    def u64(v):
        return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)

    def text(t):
        b = t.encode()
        return u64(len(b)) + b

    con = sqlite3.connect(db)
    try:
        prev = bytes(32)
        rows = con.execute("SELECT id, at, user_id, action, entity, entity_id, detail FROM audit ORDER BY id").fetchall()
        for id_, at, uid, action, entity, eid, detail in rows:
            h = hashlib.blake2b(text("nsp-audit-v1") + u64(id_) + u64(at) + u64(uid or 0) + text(action) +
                                text(entity) + u64(eid or 0) + text(detail) + prev, digest_size=32, key=key).digest()
            con.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, id_))
            prev = h
        con.commit()
    finally:
        con.close()


def test_head_is_signed_and_verifies_after_more_writes():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        m = head(s, hf)
        entry, hsh = stored_head(s.db)
        assert int(m.group(1)) == entry and m.group(2) == hsh.hex(), (m.groups(), entry)
        r = verify(s, hf)
        assert r.returncode == 0, r
        # more writes: the log has grown, the old head still proves its prefix
        writes(s, w, 5)
        assert stored_head(s.db)[0] > entry
        r = verify(s, hf)
        assert r.returncode == 0, r
        # the public key is the same for every head of this database
        m2 = head(s, os.path.join(s.dir, "head2.txt"))
        assert m2.group(4) == m.group(4) and m2.group(1) != m.group(1)
        # verify without --head still does the plain chain check
        assert run_nsp("audit", "verify", "--db", s.db).returncode == 0


def test_head_right_after_init_and_help():
    with tempfile.TemporaryDirectory(prefix="nsp-head-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        assert run_nsp("init", "--db", db, "--coordinator", "samordnare", env=PW).returncode == 0
        r = run_nsp("audit", "head", "--db", db)
        assert r.returncode == 0 and HEAD_RE.match(r.stdout), r
        r = run_nsp("audit", "--help")
        assert r.returncode == 0 and "--head" in r.stdout, r
        # --head belongs to verify only
        r = run_nsp("audit", "head", "--db", db, "--head", os.path.join(tmp, "x"))
        assert r.returncode == 2, r


def test_verify_head_fails_after_an_entry_at_or_before_the_head_is_altered():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        entry = int(head(s, hf).group(1))
        writes(s, w, 2)
        for target in (entry, entry // 2):
            con = sqlite3.connect(s.db)
            con.execute("UPDATE audit SET detail = detail || ' ' WHERE id = ?", (target,))
            con.commit()
            con.close()
            refused(verify(s, hf), str(target))
            refused(run_nsp("audit", "verify", "--db", s.db), str(target))
            con = sqlite3.connect(s.db)
            con.execute("UPDATE audit SET detail = substr(detail, 1, length(detail) - 1) WHERE id = ?", (target,))
            con.commit()
            con.close()
            assert verify(s, hf).returncode == 0


def test_verify_head_fails_when_the_log_is_cut_back_or_rewritten_with_the_key():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        entry = int(head(s, hf).group(1))
        s.stop()
        # An edit at or before the head, re-chained by someone with the key file: the plain
        # check cannot see it, the head can.
        con = sqlite3.connect(s.db)
        con.execute("UPDATE audit SET detail = 'inget hände' WHERE id = ?", (entry - 1,))
        con.commit()
        con.close()
        rechain(s.db, s.db + ".key")
        # the chain alone cannot see it; the head kept beside the key file can (issue 16)
        refused(run_nsp("audit", "verify", "--db", s.db), str(entry))
        refused(verify(s, hf), str(entry))

    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        entry = int(head(s, hf).group(1))
        s.stop()
        # Cutting the newest entries off leaves an intact, shorter chain.
        con = sqlite3.connect(s.db)
        con.execute("DELETE FROM audit WHERE id >= ?", (entry,))
        con.commit()
        con.close()
        # an intact, shorter chain: refused against the newest head known beside the key file
        refused(run_nsp("audit", "verify", "--db", s.db, env={"NSP_LANG": "en"}), str(entry), "cut back")
        refused(verify(s, hf), str(entry))
        # ... also when the missing entries are replaced by new ones (same ids, new content)
        s.start()
        writes(s, World(s, budget_years=()), 2)
        assert stored_head(s.db)[0] >= entry
        refused(run_nsp("audit", "verify", "--db", s.db), str(entry))
        refused(verify(s, hf), str(entry))


def test_verify_head_fails_after_an_entry_before_the_head_is_removed():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        entry = int(head(s, hf).group(1))
        con = sqlite3.connect(s.db)
        con.execute("DELETE FROM audit WHERE id = ?", (entry - 2,))
        con.commit()
        con.close()
        refused(verify(s, hf), str(entry - 2))


def test_verify_head_refuses_a_forged_or_foreign_head():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        hf = os.path.join(s.dir, "head.txt")
        m = head(s, hf)
        text = open(hf).read()

        def variant(name, new):
            p = os.path.join(s.dir, name)
            with open(p, "w") as fh:
                fh.write(new)
            return p

        sig = m.group(5)
        flipped = sig[:10] + ("0" if sig[10] != "0" else "1") + sig[11:]
        refused(verify(s, variant("sig.txt", text.replace(sig, flipped))), "signat")
        # a smaller entry id with that entry's real hash, under the old signature
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        eid, ehash = con.execute("SELECT id, hash FROM audit WHERE id = 2").fetchone()
        con.close()
        moved = text.replace(f"entry: {m.group(1)}\n", f"entry: {eid}\n").replace(m.group(2), ehash.hex())
        refused(verify(s, variant("moved.txt", moved)), "signat")
        refused(verify(s, variant("time.txt", text.replace(m.group(3), "2020-01-01T00:00:00Z"))), "signat")
        # not a head at all, or with trailing lines
        refused(verify(s, variant("junk.txt", "hej\n")))
        refused(verify(s, variant("extra.txt", text + "entry: 1\n")))
        refused(verify(s, variant("empty.txt", "")))
        refused(verify(s, os.path.join(s.dir, "finns-inte.txt")))

        # A correctly signed head of another database (another key) is refused: the key must be ours.
        with Server() as other:
            ow = World(other, budget_years=(2024,))
            writes(other, ow)
            ohf = os.path.join(other.dir, "head.txt")
            head(other, ohf)
            assert verify(other, ohf).returncode == 0
            refused(verify(s, ohf), "nyckel")
        # and ours still verifies
        assert verify(s, hf).returncode == 0


def test_verify_without_head_finds_an_emptied_or_cut_back_log_by_the_head_it_keeps():
    """Issue 16: `nsp audit verify` without --head passed an emptied or cut-back
    log. It now keeps the newest signed head it has seen beside the key file
    (KEYFILE.head, written by `head` and by every passing `verify`) and checks
    the log against it."""
    with Server() as s:
        w = World(s, budget_years=(2024,))
        writes(s, w)
        s.stop()
        known = s.db + ".key.head"
        r = run_nsp("audit", "verify", "--db", s.db)
        assert r.returncode == 0 and os.path.exists(known), r
        assert oct(os.stat(known).st_mode & 0o777) == "0o600"
        newest = stored_head(s.db)[0]
        assert HEAD_RE.match(open(known).read()).group(1) == str(newest)
        # a second pass checks against it and says so
        r = run_nsp("audit", "verify", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and f"entry {newest}" in r.stdout, r
        # cut back by two entries: refused, naming the entry the head knows
        con = sqlite3.connect(s.db)
        con.execute("DELETE FROM audit WHERE id > ?", (newest - 2,))
        con.commit()
        con.close()
        refused(run_nsp("audit", "verify", "--db", s.db, env={"NSP_LANG": "en"}), str(newest), "cut back")
        # emptied: refused too
        con = sqlite3.connect(s.db)
        con.execute("DELETE FROM audit")
        con.commit()
        con.close()
        refused(run_nsp("audit", "verify", "--db", s.db), str(newest))


def test_a_wrong_key_is_refused_by_the_key_check_value_also_on_an_empty_log():
    """Issue 16: serve started with a wrong key when the audit table was empty
    (the key was checked against the newest audit row). A key-check value
    stored at init now decides."""
    with tempfile.TemporaryDirectory(prefix="nsp-kcv-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        other = os.path.join(tmp, "other.db")
        assert run_nsp("init", "--db", db, "--coordinator", "samordnare", env=PW).returncode == 0
        assert run_nsp("init", "--db", other, "--coordinator", "samordnare", env=PW).returncode == 0
        con = sqlite3.connect(db)
        assert con.execute("SELECT value FROM settings WHERE key = 'key_check'").fetchone()
        con.execute("DELETE FROM audit")
        con.commit()
        con.close()
        r = run_nsp("serve", "--db", db, "--key-file", other + ".key", "--listen", "127.0.0.1:0", timeout=20,
                    env={"NSP_LANG": "en"})
        assert r.returncode != 0 and "key" in r.stderr, r
        r = run_nsp("user", "set-password", "samordnare", "--db", db, "--key-file", other + ".key",
                    env=dict(PW, NSP_LANG="en"))
        assert r.returncode != 0 and "key" in r.stderr, r
