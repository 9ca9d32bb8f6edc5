"""The annual report over the API (api.md "The annual report as JSON",
domain.md §10): coverage, gender buckets of children, the child supplement,
money by payment date against the budget by decision year."""
import csv
import io
import os
import re
import subprocess
import zipfile

from harness import API, Server, World, expect, expect_ok, nsp_bin, span_days

BUCKETS = {"women", "men", "trans_women", "trans_men", "non_binary", "girls", "boys", "unknown", "total"}


def test_report_counts_persons_children_money_and_complementarity():
    with Server() as s:
        w = World(s)
        org = w.org()
        p1 = w.person(org, gender="female", referral_source="regional_coordinator",
                      exploitation_forms=["sexual_exploitation", "forced_criminality"])
        w.admit(p1["id"], "2024-02-01")
        girl = w.child(p1["id"], "secondary", org_id=org, gender="female", exploitation_forms=["other_crime"])
        away = w.child(p1["id"], "elsewhere", org_id=org, gender="trans_male", exploitation_forms=[])
        boy = w.child(p1["id"], "primary", org_id=org, gender="male", exploitation_forms=["begging"])
        w.admit(boy["id"], "2024-02-02")
        d1 = w.grant(p1["id"], "reflection", "2024-12-22", children=[girl["id"], boy["id"]],
                     **span_days("2024-12-22", 20))
        expect_ok(w.pay(d1["id"], 100_000, "2024-12-31"))
        expect_ok(w.pay(d1["id"], 200_000, "2025-01-15"))
        denied = w.application(p1["id"], "point_adult", submitted_on="2024-06-01", category="legal_advice", units=2,
                               basis={"kind": "public_actor_denied", "actor": "Socialtjänsten",
                                      "reason": "Saknar personnummer", "reference": "no_written_decision",
                                      "actor_kind": "social_services", "reason_category": "lacks_personal_number"})
        expect_ok(w.decide(denied["id"], "denied", decided_on="2024-06-02", reason="Annan finansiering finns."))
        for outcome in ("placed", "no_place_available", "no_place_available"):
            expect_ok(s.post(API + "/placement-requests", {"date": "2024-05-01", "region": "Nord",
                                                           "target_group": "men", "outcome": outcome,
                                                           "organisation_id": org}, token=w.coord))
        expect_ok(s.post(API + "/consultations", {"date": "2024-05-02", "asker": "police", "region": "Nord",
                                                  "topic": "Rådgivning", "minutes": 20}, token=w.coord))

        r24 = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)
        assert r24["year"] == 2024
        assert r24["persons"] == {"total": 4, "adults": 1, "children": 3}, r24["persons"]
        for key in ("primary", "secondary_children", "children_elsewhere"):
            assert set(r24[key]) == BUCKETS, (key, r24[key])
        assert r24["secondary_children"]["girls"] == 1 and r24["secondary_children"]["total"] == 1, r24
        # a child whose gender is trans_male counts under unknown
        assert r24["children_elsewhere"]["unknown"] == 1 and r24["children_elsewhere"]["boys"] == 0, r24
        assert r24["children_elsewhere"]["total"] == 1, r24
        assert r24["primary"]["women"] == 1 and r24["primary"]["boys"] == 1, r24["primary"]
        assert r24["interventions"]["reflection"]["women"] == 1, r24["interventions"]
        # each named child counts as a person who received the child supplement
        rc = r24["interventions"]["reflection_child"]
        assert (rc["girls"], rc["boys"], rc["total"]) == (1, 1, 2), rc
        assert r24["exploitation"]["adults"]["multiple"]["women"] == 1, r24["exploitation"]
        assert r24["exploitation"]["children"]["other_crime"]["girls"] == 1, r24["exploitation"]
        assert r24["exploitation"]["children"]["begging"]["boys"] == 1, r24["exploitation"]
        assert r24["referrals"]["reflection"].get("regional_coordinator") == 1, r24["referrals"]
        assert sum(r24["referrals"]["reflection"].values()) == 1, r24["referrals"]
        # money: paid counts payments dated in the year, under the decision's code
        assert r24["money"]["committed_ore"] == d1["total_ore"], r24["money"]
        assert r24["money"]["paid_ore"] == 100_000, r24["money"]
        assert sum(r24["money"]["paid_by_intervention_ore"].values()) == 100_000, r24["money"]
        assert r24["decisions"]["denied"] == 1 and r24["decisions"]["emergency"] == 0, r24["decisions"]
        assert r24["placement_requests"] == {"placed": 1, "no_place_available": 2, "declined": 0}, r24
        assert r24["consultations"] == 1, r24
        nonzero = {(k, c): n for k, cats in r24["complementarity"]["denials"].items() for c, n in cats.items() if n}
        assert nonzero == {("social_services", "lacks_personal_number"): 1}, r24["complementarity"]
        assert r24["complementarity"]["public_actor_denied"] == 1, r24["complementarity"]

        r25 = expect_ok(s.get(f"{API}/reports/annual/2025", token=w.coord), 200)
        assert r25["money"]["paid_ore"] == 200_000 and r25["money"]["committed_ore"] == 0, r25["money"]
        assert r25["interventions"]["reflection"]["women"] == 1, r25["interventions"]   # the period overlaps 2025
        # while the budget counts both payments against the decision's year
        assert w.budget(2024)["paid_ore"] == 300_000
        assert w.budget(2025)["paid_ore"] == 0


def test_report_paid_per_intervention_counts_each_line_of_a_payment_under_its_code():
    """domain.md §8: "paid per intervention counts each line of a payment
    under its own code (a child supplement under its *_child code)" — a
    payment by amount on a reflection decision with a child supplement is
    split over its lines (10 × 1 320 kr and 10 × 500 kr), the remainder öre
    to the first."""
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        kid = w.child(p["id"], "secondary", org_id=org)
        dec = w.grant(p["id"], "reflection", "2024-03-01", children=[kid["id"]], **span_days("2024-03-01", 10))
        expect_ok(w.pay(dec["id"], 100_000, "2024-03-20"))
        money = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)["money"]
        assert money["paid_ore"] == 100_000, money
        # 100 000 × 1 320 000 / 1 820 000 = 72 527.5 → 72 527, × 500 000 / … = 27 472.5 → 27 472; 1 öre left
        assert money["paid_by_intervention_ore"].get("reflection") == 72_528, money
        assert money["paid_by_intervention_ore"].get("reflection_child") == 27_472, money


def test_report_roles_and_formats():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        _, funder = w.user("funder")
        expect(s.get(f"{API}/reports/annual/2024", token=cw), 403, code="forbidden")
        expect(s.get(f"{API}/reports/annual/2024"), 401, code="unauthenticated")
        expect(s.get(f"{API}/reports/annual/2024?format=pdf", token=funder), 400, code="invalid")
        empty = expect_ok(s.get(f"{API}/reports/annual/2024", token=funder), 200)
        assert empty["persons"] == {"total": 0, "adults": 0, "children": 0}, empty
        assert set(empty["primary"]) == BUCKETS and all(v == 0 for v in empty["primary"].values()), empty
        csv = s.get(f"{API}/reports/annual/2024?format=csv", token=funder)
        expect(csv, 200)
        assert (csv.headers.get("Content-Type") or "").startswith("text/csv"), csv.headers


def test_report_age_group_is_derived_from_the_birth_year_at_the_decision_date():
    """domain.md §5: age_group is "derived from birth year at the decision date
    when known": born 2007, admitted in 2024 (17 that year) is a child of 2024,
    and an adult in 2025."""
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org, birth_year=2007, age_group=None, gender="female")
        w.admit(p["id"], "2024-02-01")
        w.grant(p["id"], "point_adult", "2025-03-01", category="travel", units=1)
        r24 = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)
        r25 = expect_ok(s.get(f"{API}/reports/annual/2025", token=w.coord), 200)
        assert r25["persons"] == {"total": 1, "adults": 1, "children": 0}, r25["persons"]
        assert r24["persons"] == {"total": 1, "adults": 0, "children": 1}, r24["persons"]


def csv_figures(body):
    """The figure cells of a report CSV in order; the words (first column, headings) left out."""
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    return [c for r in rows for c in r[1:] if re.fullmatch(r"-?[0-9]+(\.[0-9][0-9])?|\.\.", c)]


def nsp_report(*args, lang_env=None):
    """nsp with args and NSP_LANG=lang_env (None: unset); the CompletedProcess in bytes."""
    env = {k: v for k, v in os.environ.items() if k != "NSP_LANG"}
    if lang_env is not None:
        env["NSP_LANG"] = lang_env
    return subprocess.run([nsp_bin(), *args], env=env, capture_output=True, timeout=60)


def test_report_words_follow_the_users_language_and_the_command_lines_lang():
    """Swedish by default, English for a user who chose English (and nsp report
    --lang en / NSP_LANG=en): the same figures, other words; JSON has names only."""
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        dec = w.grant(p["id"], "reflection", "2024-03-01", **span_days("2024-03-01", 10))
        expect_ok(w.pay(dec["id"], 100_050, "2024-03-20"))
        _, funder = w.user("funder")
        url = f"{API}/reports/annual/2024"
        forms = ("csv", "md", "html", "xlsx")

        def exports(token):
            out = {}
            for fmt in forms:
                r = s.get(f"{url}?format={fmt}", token=token)
                expect(r, 200)
                out[fmt] = r.body
            out["json"] = expect_ok(s.get(url, token=token), 200)
            return out

        sv = exports(w.coord)
        assert sv["md"].startswith("# Nationella Stödprogrammet – Årsrapport 2024\n".encode()), sv["md"][:80]
        assert b'<html lang="sv">' in sv["html"]
        expect_ok(s.put(API + "/me/lang", {"lang": "en"}, token=w.coord), 200)
        en = exports(w.coord)
        assert en["json"] == sv["json"], "JSON has names, not words"
        assert en["md"].startswith("# National Support Programme – Annual report 2024\n".encode()), en["md"][:80]
        assert "## Primary recipients\n".encode() in en["md"], en["md"]
        assert en["csv"].startswith("\ufeffNational Support Programme – Annual report 2024".encode()), en["csv"][:80]
        assert b'<html lang="en">' in en["html"] and b"<h2>Primary recipients</h2>" in en["html"]
        for fmt in ("csv", "md", "html"):
            text = en[fmt].decode("utf-8")
            assert not re.search("[åäöÅÄÖ]", text), (fmt, re.search(".{0,40}[åäöÅÄÖ].{0,40}", text).group(0))
        # the same figures in both languages
        assert csv_figures(en["csv"]) == csv_figures(sv["csv"]) and "1000.50" in csv_figures(en["csv"])
        sheets = {lang: zipfile.ZipFile(io.BytesIO(x["xlsx"])).read("xl/workbook.xml").decode()
                  for lang, x in (("sv", sv), ("en", en))}
        assert 'name="Primary recipients"' in sheets["en"] and 'name="Primära stödmottagare"' in sheets["sv"]
        # another user's language is their own: the funder still reads Swedish
        r = s.get(f"{url}?format=md", token=funder)
        expect(r, 200)
        assert r.body == sv["md"]
        # the report page follows the user's language too, its downloads the same exports
        page = s.get("/reports/2024", token=w.coord)
        expect(page, 200)
        assert "Annual report 2024" in page.text and "format=xlsx" in page.text, page.text[:400]

        # The command line: the same bytes as the API for the same data and language.
        args = ("report", "--db", s.db, "--year", "2024", "--format", "md")
        r = nsp_report(*args)
        assert r.returncode == 0 and r.stdout == sv["md"], r
        for run in (nsp_report(*args, "--lang", "en"), nsp_report(*args, lang_env="en"),
                    nsp_report("--lang", "en", *args), nsp_report(*args, "--lang", "en", lang_env="sv")):
            assert run.returncode == 0 and run.stdout == en["md"], run
        assert nsp_report(*args, "--lang", "sv", lang_env="en").stdout == sv["md"]
        r = nsp_report("report", "--db", s.db, "--year", "2024", "--format", "csv", "--lang", "en")
        assert r.returncode == 0 and r.stdout == en["csv"], r
        r = nsp_report(*args, "--lang", "de")
        assert r.returncode == 2 and r.stdout == b"", r
        assert len([l for l in r.stderr.decode().splitlines() if l.strip()]) == 1, r.stderr
        assert "--lang" in nsp_report("report", "--help").stdout.decode()
