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


# ---------------------------------------------------------------- letters of handled claims

def claim_letter(s, claim_id, token, query=""):
    return s.get(f"{API}/claims/{claim_id}/letter.pdf{query}", token=token)


def claimed(s, w, org, cw):
    """The partial grant of 7 days (with the supplement) and two claims on it: days 1-3
    approved (paid 2024-03-05), days 4-7 rejected with a reason. Returns (person, paid, rejected)."""
    p, d = partly_granted_reflection(w, org)
    body = {"decision_id": d["id"], "reference": "Faktura Å-17", "submitted_on": "2024-03-04"}
    paid = expect_ok(s.post(API + "/claims", dict(body, **{"from": "2024-02-24", "to": "2024-02-26"}), token=cw))
    rej = expect_ok(s.post(API + "/claims", dict(body, reference="Faktura Å-18",
                                                 **{"from": "2024-02-27", "to": "2024-03-01"}), token=cw))
    expect_ok(s.post(f"{API}/claims/{paid['id']}/approve", {"paid_on": "2024-03-05"}, token=w.coord), 200)
    expect_ok(s.post(f"{API}/claims/{rej['id']}/reject", {"reason": "Underlaget för dygn 4–7 saknas."},
                     token=w.coord), 200)
    return p, paid, rej


def test_letter_of_an_approved_and_of_a_rejected_claim_give_days_amounts_outcome_and_who_decided():
    with Server() as s:
        w = World(s)
        org = w.org(ORG)
        _, cw = w.user("caseworker", org)
        p, paid, rej = claimed(s, w, org, cw)
        r = claim_letter(s, paid["id"], cw)
        assert f"nsp-rekvisition-{paid['id']}.pdf" in r.headers.get("Content-Disposition", ""), r.headers
        flat = " ".join(pdf_text(expect_ok_pdf(r)).split())
        assert f"Rekvisition nr {paid['id']}" in flat and "Rekvisition: Reflektionsperiod" in flat, flat
        assert p["code"] in flat and ORG in flat and CANARY not in flat and "070-1234567" not in flat, flat
        assert "Faktura Å-17" in flat and "2024-02-24 – 2024-02-26 (3 dygn)" in flat, flat
        # per line, the supplement on its own: 3 × 1 320 kr and 3 × 500 kr
        assert "Reflektionsperiod 3 3 960 kr" in flat and "Barntillägg reflektionsperiod 3 1 500 kr" in flat, flat
        assert "Totalt rekvirerat 5 460 kr" in flat, flat
        assert "Utbetald" in flat and "Utbetalningsdatum 2024-03-05" in flat, flat
        assert "Prövades av samordnare" in flat and "är utbetalt" in flat, flat
        flat = " ".join(pdf_text(expect_ok_pdf(claim_letter(s, rej["id"], cw))).split())
        assert "Avslagen" in flat and "Skäl till avslaget" in flat and "Underlaget för dygn 4–7 saknas." in flat, flat
        assert "2024-02-27 – 2024-03-01 (4 dygn)" in flat and "Totalt rekvirerat 7 280 kr" in flat, flat
        assert "ny rekvisition" in flat and "Inget är utbetalt" in flat, flat
        en = " ".join(pdf_text(expect_ok_pdf(claim_letter(s, rej["id"], cw, "?lang=en"))).split())
        assert "Claim: Reflection period" in en and "Rejected" in en and "Reason for the rejection" in en, en


def test_claim_letter_own_organisation_only_not_while_submitted_funder_403_audited_and_on_the_command_line():
    with Server() as s:
        w = World(s)
        org, other = w.org(ORG), w.org()
        _, cw = w.user("caseworker", org)
        _, stranger = w.user("caseworker", other)
        _, funder = w.user("funder")
        p, paid, rej = claimed(s, w, org, cw)
        expect(claim_letter(s, paid["id"], stranger), 404, code="not_found")
        expect(claim_letter(s, 999999, cw), 404, code="not_found")
        expect(claim_letter(s, paid["id"], funder), 403, code="forbidden")
        # a claim still waiting has no letter yet (another organisation still gets 404)
        d = expect_ok(s.get(f"{API}/claims/{paid['id']}", token=cw), 200)["decision_id"]
        waiting = expect_ok(s.post(API + "/claims", {"decision_id": d, "reference": "F-19", "submitted_on": "2024-03-04",
                                                     "from": "2024-02-27", "to": "2024-02-27"}, token=cw))
        expect(claim_letter(s, waiting["id"], cw), 409, code="conflict")
        expect(claim_letter(s, waiting["id"], stranger), 404, code="not_found")
        expect_ok_pdf(claim_letter(s, paid["id"], w.coord))
        # the claim's page links its letter once handled
        page = s.get(f"/decisions/{d}", token=cw).text
        assert f'href="/api/v1/claims/{paid["id"]}/letter.pdf?lang=sv"' in page, page
        assert f'/api/v1/claims/{waiting["id"]}/letter.pdf' not in page, page
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT entity, entity_id, detail FROM audit WHERE action = 'claim.letter'"
                               " ORDER BY id").fetchall()
        finally:
            con.close()
        assert rows == [("person", p["id"], f"letter claim={paid['id']} decision={d} lang=sv")], rows
        s.stop()
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "rekvisition.pdf")
            r = run_nsp("letter", "--db", s.db, "--claim", str(rej["id"]), "-o", out)
            assert r.returncode == 0, r
            flat = " ".join(pdf_text(open(out, "rb").read()).split())
            assert p["code"] in flat and "Underlaget för dygn 4–7 saknas." in flat and CANARY not in flat, flat
            r = run_nsp("letter", "--db", s.db, "--claim", str(waiting["id"]), "-o", out)
            assert r.returncode == 1 and "väntar på beslut" in r.stderr, r
            r = run_nsp("letter", "--db", s.db, "--claim", "99999", "-o", out)
            assert r.returncode == 1 and "rekvisitionen finns inte" in r.stderr, r
        assert run_nsp("audit", "verify", "--db", s.db).returncode == 0
