"""One set of money figures (domain.md §8, issue 14): every money figure on
the coordinator's start page, the year page and the report page (the
coordinator's and the funder's) equals GET /api/v1/years/{y}/budget, and
the ones the report has equal the report, for the demo database."""
import base64
import html
import re
import subprocess
import time

from harness import API, Authenticator, Server, expect_ok, nsp_env, today

DEMO_SECRET = base64.b32encode(b"nsp-demo-totp-secret").decode()
FIELDS = ("budget_ore", "committed_ore", "released_ore", "remaining_ore", "paid_ore", "paid_in_year_ore",
          "open_ore")


class DemoServer(Server):
    """A server on the demo database (nsp demo creates it, then serves it; we stop
    that one and serve the file as any other)."""

    def init(self):
        demo = subprocess.Popen([self.nsp, "demo", "--db", self.db, "--listen", "127.0.0.1:0"], env=nsp_env(self.env),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        deadline = time.time() + 240
        try:
            while time.time() < deadline:
                line = demo.stdout.readline().decode("utf-8", "replace")
                if not line:
                    break
                if re.search(r"http://127\.0\.0\.1:\d+", line):
                    break
        finally:
            demo.terminate()
            demo.wait(timeout=30)
            demo.stdout.close()
        self.phones["samordnare"] = Authenticator(DEMO_SECRET)


def ore(text):
    """'3 445 400 kr' or '-1 234,56 kr' as öre."""
    t = html.unescape(text).replace("\u00a0", " ").replace("\u2212", "-").replace(" ", "").replace("kr", "")
    neg = t.startswith("-")
    t = t.lstrip("-")
    kr, _, dec = t.partition(",")
    v = int(kr) * 100 + (int(dec.ljust(2, "0")) if dec else 0)
    return -v if neg else v


def figures(page):
    """{field: öre} of the data-figure tiles of a page."""
    found = re.findall(r'data-figure="(\w+)"><span class="label">[^<]*</span><span class="value">([^<]*)</span>', page)
    return {f: ore(v) for f, v in found}


def paid_per_code(page):
    """{code: öre} of the page's "Utbetalt per insats" table."""
    table = page.split('id="paid_by_code"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'data-code="(\w+)"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>', table)
    return {c: ore(v) for c, v in found}


def test_every_money_figure_on_the_four_pages_equals_the_budget_and_the_report():
    year = today().year
    with DemoServer() as s:
        coord = s.login("samordnare", "Demo-Samordnare-1")
        funder = s.login("finansiar", "Demo-Finansiar-1")
        budget = expect_ok(s.get(f"{API}/years/{year}/budget", token=coord), 200)
        report = expect_ok(s.get(f"{API}/reports/annual/{year}", token=coord), 200)["money"]
        # the figures' arithmetic (domain.md §8), and the report's three of them
        assert budget["remaining_ore"] == budget["budget_ore"] - budget["committed_ore"] + budget["released_ore"]
        assert budget["budget_ore"] == budget["open_ore"] + budget["paid_ore"] + budget["remaining_ore"], budget
        assert report["budget_ore"] == budget["budget_ore"], (report, budget)
        assert report["committed_ore"] == budget["committed_ore"], (report, budget)
        assert report["paid_ore"] == budget["paid_in_year_ore"], (report, budget)
        assert sum(report["paid_by_intervention_ore"].values()) == report["paid_ore"], report
        pages = {"start page": s.get("/", token=coord), "year page": s.get(f"/years/{year}", token=coord),
                 "report page": s.get(f"/reports/{year}", token=coord),
                 "funder's report page": s.get(f"/reports/{year}", token=funder)}
        for name, r in pages.items():
            assert r.status == 200, (name, r)
            got = figures(r.text)
            assert set(got) == set(FIELDS), (name, got)
            for f in FIELDS:
                assert got[f] == budget[f], (name, f, got[f], budget[f])
            # where two figures differ by definition, the page says why
            assert "Utbetalt under året räknar utbetalningar daterade" in html.unescape(r.text), name
            assert "Kvar = budget − beviljat + frigjort" in html.unescape(r.text), name
        # paid per intervention (child supplements under their own codes): the year page
        # and the report page show the report's figures, which the budget answers too
        by_code = report["paid_by_intervention_ore"]
        assert budget["paid_by_intervention_ore"] == by_code, (budget, by_code)
        assert any(v > 0 for c, v in by_code.items() if c.endswith("_child")), by_code
        for name in ("year page", "report page", "funder's report page"):
            page = pages[name].text
            assert "Utbetalt per insats" in html.unescape(page), name
            assert paid_per_code(page) == by_code, (name, paid_per_code(page), by_code)
