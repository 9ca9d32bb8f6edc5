"""Decision letters (issue 17): GET /api/v1/decisions/{id}/letter.pdf and nsp letter.

The letter is checked through pdftotext (poppler-utils): the case code, the
period and days, the amounts per line (child supplement included) and in
total, the reason in the words of the refusing rule (R3 here), the outcome,
who decided, and never the identity data (a canary is planted in it).
Access: own organisation only (another's is 404, as if it did not exist),
the funder 403; every read audited."""
import os
import sqlite3
import subprocess
import tempfile

from harness import API, Server, World, expect, expect_ok, run_nsp

CANARY = "Kanarie-Zebulon-Ödmjuk-7731"
ORG = "Stödboendet Åkerö & Märta"


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def letter(s, decision_id, token, query=""):
    return s.get(f"{API}/decisions/{decision_id}/letter.pdf{query}", token=token)


def partly_granted_reflection(w, org, token=None):
    """Two reflection applications waiting, 23 and 30 days; the first granted, the second can get 7 days
    only (R3: 30 in all), with a child living with the parent (the supplement); returns (person, the
    decision of 7 days)."""
    p = w.person(org, identity={"name": CANARY, "phone": "070-1234567"})
    w.admit(p["id"], "2024-02-01")
    kid = w.child(p["id"], org_id=org)
    first = w.application(p["id"], "reflection", submitted_on="2024-02-01",
                          **{"from": "2024-02-01", "to": "2024-02-23"})
    a = w.application(p["id"], "reflection", submitted_on="2024-02-20", children=[kid["id"]],
                      **{"from": "2024-02-24", "to": "2024-03-24"})
    expect_ok(w.decide(first["id"], decided_on="2024-02-01"))
    d = expect_ok(w.decide(a["id"], "partly_granted", decided_on="2024-02-24", reason="Sju dygn återstår.",
                           **{"from": "2024-02-24", "to": "2024-03-01"}))
    return p, d


def test_letter_of_a_partial_grant_gives_days_amounts_and_the_rule_R3_in_its_words():
    with Server() as s:
        w = World(s)
        org = w.org(ORG)
        p, d = partly_granted_reflection(w, org)
        assert d["outcome"] == "partly_granted" and d["total_ore"] == 7 * (1320 + 500) * 100, d
        r = letter(s, d["id"], w.coord)
        assert r.status == 200, r
        assert r.headers.get("Content-Type") == "application/pdf", r.headers
        assert f"nsp-beslut-{d['id']}.pdf" in r.headers.get("Content-Disposition", ""), r.headers
        assert r.body.startswith(b"%PDF-"), r.body[:20]
        text = pdf_text(r.body)
        flat = " ".join(text.split())
        assert p["code"] in flat, flat
        assert ORG.replace("&", "&") in flat, flat                 # å, ä, ö as they are
        assert CANARY not in flat and "070-1234567" not in flat, flat
        assert "Delvis beviljad" in flat, flat
        assert "2024-02-24 – 2024-03-01 (7 dygn)" in flat, flat       # the period granted
        assert "2024-02-24 – 2024-03-24 (30 dygn)" in flat, flat      # the period applied for
        assert "9 240 kr" in flat and "3 500 kr" in flat and "12 740 kr" in flat, flat
        assert "Barntillägg reflektionsperiod" in flat, flat
        # R3 in the rule's own sentence, as it stood when the decision was made
        assert "R3: " in flat and "30 dygn" in flat, flat
        assert "Sju dygn återstår." in flat, flat                     # the coordinator's reasons
        assert "Beslutet fattades av samordnare" in flat and "begära omprövning" in flat, flat
        assert "Rekvirera" in flat, flat

        # English on request, and in the user's language
        en = " ".join(pdf_text(expect_ok_pdf(letter(s, d["id"], w.coord, "?lang=en"))).split())
        assert "Partly granted" in en and "Reasons for the decision" in en and "R3: " in en, en
        assert "7 days" in en and p["code"] in en and CANARY not in en, en
        expect(letter(s, d["id"], w.coord, "?lang=fi"), 400, field="lang")
        expect_ok(s.put(f"{API}/me/lang", {"lang": "en"}, token=w.coord), 200)
        r = letter(s, d["id"], w.coord)
        assert f"nsp-decision-{d['id']}.pdf" in r.headers.get("Content-Disposition", ""), r.headers
        assert "Decision: Reflection period" in pdf_text(r.body), "the user's language"


def expect_ok_pdf(r):
    assert r.status == 200 and r.body.startswith(b"%PDF-"), r
    return r.body


def test_letter_only_for_the_own_organisation_404_otherwise_funder_403_and_every_read_audited():
    with Server() as s:
        w = World(s)
        org, other = w.org(), w.org()
        _, own = w.user("caseworker", org)
        _, stranger = w.user("caseworker", other)
        _, funder = w.user("funder")
        p = w.admitted(org)
        d = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-30"})
        expect_ok_pdf(letter(s, d["id"], own))
        expect(letter(s, d["id"], stranger), 404, code="not_found")
        expect(letter(s, 999999, own), 404, code="not_found")
        expect(letter(s, d["id"], funder), 403, code="forbidden")
        expect(s.get(f"{API}/decisions/{d['id']}/letter.pdf"), 401)
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT entity, entity_id, detail FROM audit WHERE action = 'decision.letter'"
                               " ORDER BY id").fetchall()
        finally:
            con.close()
        assert rows == [("person", p["id"], f"letter decision={d['id']} lang=sv")], rows


def test_letter_of_a_grant_and_of_a_denial_say_what_the_organisation_can_do_next():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        d = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-30"})
        flat = " ".join(pdf_text(expect_ok_pdf(letter(s, d["id"], w.coord))).split())
        assert "Beviljad" in flat and "39 600 kr" in flat and "(30 dygn)" in flat, flat
        assert "förlängd reflektionsperiod" in flat and "Rekvirera" in flat, flat    # claim, extend
        assert "Skäl för beslutet" not in flat and "omprövning" not in flat, flat
        assert "Akut beslut (R2e) Nej" in flat, flat
        # a denial no rule asked for: the coordinator's assessment, and reconsideration
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-05", category="interpreter", units=2)
        den = expect_ok(w.decide(a["id"], "denied", decided_on="2024-03-05", reason="Tolk finns via kommunen."))
        flat = " ".join(pdf_text(expect_ok_pdf(letter(s, den["id"], w.coord))).split())
        assert "Avslag" in flat and "samordnarens bedömning" in flat and "Tolk finns via kommunen." in flat, flat
        assert "omprövning" in flat and "Rekvirera" not in flat, flat
        # a long reason flows onto a second page, line by line, nothing lost
        long_reason = " ".join(f"Mening {i} om varför tolken bekostas på annat sätt." for i in range(180))
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-06", category="travel", units=1)
        den = expect_ok(w.decide(a["id"], "denied", decided_on="2024-03-06", reason=long_reason))
        flat = " ".join(pdf_text(expect_ok_pdf(letter(s, den["id"], w.coord))).split())
        assert "sida 2" in flat and "Mening 0 om" in flat and "Mening 179 om" in flat, flat[-400:]


def test_nsp_letter_writes_the_same_letter_on_the_command_line():
    with Server() as s:
        w = World(s)
        org = w.org(ORG)
        p, d = partly_granted_reflection(w, org)
        s.stop()
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "brev.pdf")
            r = run_nsp("letter", "--db", s.db, "--decision", str(d["id"]), "-o", out)
            assert r.returncode == 0, r
            flat = " ".join(pdf_text(open(out, "rb").read()).split())
            assert p["code"] in flat and "R3: " in flat and "12 740 kr" in flat and CANARY not in flat, flat
            r = run_nsp("letter", "--db", s.db, "--decision", str(d["id"]), "--lang", "en", "-o", out)
            assert r.returncode == 0 and "Partly granted" in pdf_text(open(out, "rb").read()), r
            r = run_nsp("letter", "--db", s.db, "--decision", "99999", "-o", out)
            assert r.returncode == 1 and "beslutet finns inte" in r.stderr, r
            r = run_nsp("letter", "--db", s.db, "--decision", str(d["id"]))
            assert r.returncode == 2, r
        assert run_nsp("audit", "verify", "--db", s.db).returncode == 0
