"""Four-eyes approval: when a year sets a threshold (none by default), a
decision above it is stored as pending, outside the ledger, the budget, R10
and the report, and the application stays in the queue "awaiting approval"
until a second coordinator approves it (then it is committed) — the first
coordinator cannot approve their own (403). Below or at the threshold a
decision is committed at once."""
from harness import API, Server, World, expect, expect_ok, expect_rule, span_days

KR = 100
REFLECTION_30 = 30 * 1320 * KR     # 30 days at the built-in rate


def year_with(w, year, threshold_ore, budget_ore=10 ** 11):
    body = {"budget_ore": budget_ore}
    if threshold_ore is not None:
        body["four_eyes_ore"] = threshold_ore
    return expect_ok(w.s.put(f"{API}/years/{year}", body, token=w.coord), 200)


def reflection(w, org, on="2024-03-01"):
    p = w.admitted(org)
    return p, w.application(p["id"], "reflection", submitted_on=on, **span_days(on, 30))


def test_no_threshold_by_default_every_decision_is_committed_at_once():
    with Server() as s:
        w = World(s)
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] is None
        org = w.org()
        _, a = reflection(w, org)
        r = w.decide(a["id"], decided_on="2024-03-01")
        dec = expect_ok(r, 201)
        assert dec["total_ore"] == REFLECTION_30 and dec["approved_by"] is None, dec
        assert w.budget(2024)["committed_ore"] == REFLECTION_30
        # a PUT without the threshold sets none, like the budget; while one is
        # set, removing it waits for a second coordinator (domain.md §8)
        _, second = w.user("coordinator")
        year_with(w, 2024, 5 * KR)
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] == 5 * KR
        prop = expect(s.put(f"{API}/years/2024", {"budget_ore": 10 ** 11}, token=w.coord), 202)["proposal"]
        expect_ok(s.post(f"{API}/change-proposals/{prop['id']}/approve", {}, token=second), 200)
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] is None
        expect(s.put(f"{API}/years/2024", {"four_eyes_ore": -1}, token=w.coord), 400, field="four_eyes_ore")


def test_above_the_threshold_a_decision_waits_for_a_second_coordinator():
    with Server() as s:
        w = World(s)
        # coordinators are created before the threshold: after it, a new one is itself a proposal
        second_id, second = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        p, a = reflection(w, org)
        first_id = expect_ok(s.get(API + "/me", token=w.coord), 200)["id"]
        r = w.decide(a["id"], decided_on="2024-03-02")
        pending = expect(r, 202)
        assert pending["awaiting_approval"] is True, pending
        prop = pending["proposal"]
        assert prop["status"] == "pending" and prop["total_ore"] == REFLECTION_30, prop
        assert prop["threshold_ore"] == 20_000 * KR and prop["proposed_by"] == first_id, prop
        assert (prop["from"], prop["to"], prop["decided_on"]) == ("2024-03-01", "2024-03-30", "2024-03-02"), prop

        # not committed: no decision, nothing in the ledger or the budget, not in the report
        assert w.budget(2024)["committed_ore"] == 0
        decided = expect_ok(s.get(f"{API}/decisions", token=w.coord), 200)["decisions"]
        assert [d["type"] for d in decided] == ["admission"], decided
        report = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)
        assert report["decisions"]["granted"] == 1 and report["money"]["committed_ore"] == 0, report   # the admission
        assert report["interventions"]["reflection"]["total"] == 0, report
        left = expect_ok(s.get(f"{API}/persons/{p['id']}/allowance", token=w.coord), 200)
        assert left["reflection"]["used"] == 0, left      # R3 does not count what is not decided
        # still in the queue, awaiting approval
        app = expect_ok(s.get(f"{API}/applications/{a['id']}", token=w.coord), 200)
        assert app["status"] == "submitted" and app["decision"] is None, app
        assert app["awaiting_approval"] is True and app["proposal_id"] == prop["id"], app
        queue = expect_ok(s.get(f"{API}/applications?status=submitted", token=w.coord), 200)["applications"]
        assert [x["id"] for x in queue if x["awaiting_approval"]] == [a["id"]], queue
        pend = expect_ok(s.get(f"{API}/decision-proposals?status=pending", token=w.coord), 200)["proposals"]
        assert [x["id"] for x in pend] == [prop["id"]], pend

        # the application cannot be decided past the proposal
        expect(w.decide(a["id"], decided_on="2024-03-02"), 409, code="conflict")
        # the first coordinator cannot approve their own decision
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=w.coord), 403, code="forbidden")
        assert w.budget(2024)["committed_ore"] == 0
        # a caseworker cannot touch proposals at all
        _, cw = w.user("caseworker", org)
        expect(s.get(f"{API}/decision-proposals", token=cw), 403)
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=cw), 403)

        # another coordinator approves: now it is committed
        dec = expect_ok(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=second), 201)
        assert dec["total_ore"] == REFLECTION_30 and dec["decided_on"] == "2024-03-02", dec
        assert dec["decided_by"] == first_id and dec["approved_by"] == second_id, dec
        assert w.budget(2024)["committed_ore"] == REFLECTION_30
        app = expect_ok(s.get(f"{API}/applications/{a['id']}", token=w.coord), 200)
        assert app["status"] == "decided" and app["awaiting_approval"] is False and app["decision"]["id"] == dec["id"]
        done = expect_ok(s.get(f"{API}/decision-proposals/{prop['id']}", token=w.coord), 200)
        assert done["status"] == "approved" and done["decision_id"] == dec["id"] and done["resolved_by"] == second_id
        report = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)
        assert report["decisions"]["granted"] == 2 and report["money"]["committed_ore"] == REFLECTION_30, report
        assert report["interventions"]["reflection"]["total"] == 1, report
        # approved once only
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=second), 409, code="conflict")
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/reject", {}, token=w.coord), 409, code="conflict")
        expect(s.post(f"{API}/decision-proposals/999999/approve", {}, token=second), 404)


def test_at_or_below_the_threshold_a_decision_is_committed_at_once():
    with Server() as s:
        w = World(s)
        year_with(w, 2024, 1600 * KR)           # two interpreter hours at 800 kr
        org = w.org()
        p = w.admitted(org)
        at = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="interpreter", units=2)
        dec = expect_ok(w.decide(at["id"], decided_on="2024-03-01"), 201)
        assert dec["total_ore"] == 1600 * KR and dec["approved_by"] is None, dec
        above = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="interpreter", units=3)
        assert expect(w.decide(above["id"], decided_on="2024-03-01"), 202)["proposal"]["total_ore"] == 2400 * KR
        # a denial grants nothing: never above a threshold, even one of 0
        year_with(w, 2024, 0)
        denied = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1)
        assert expect_ok(w.decide(denied["id"], "denied", decided_on="2024-03-01"), 201)["outcome"] == "denied"
        # the threshold of the decision's year counts: 2025 has none
        p25 = w.admitted(org, on="2025-01-02")
        a25 = w.application(p25["id"], "point_adult", submitted_on="2025-01-02", category="interpreter", units=9)
        assert expect_ok(w.decide(a25["id"], decided_on="2025-01-02"), 201)["approved_by"] is None
        assert w.budget(2024)["committed_ore"] == 1600 * KR


def test_a_rejected_proposal_returns_the_application_to_the_queue():
    with Server() as s:
        w = World(s)
        second_id, second = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        _, a = reflection(w, org)
        prop = expect(w.decide(a["id"], decided_on="2024-03-02"), 202)["proposal"]
        got = expect_ok(s.post(f"{API}/decision-proposals/{prop['id']}/reject",
                               {"reason": "Fel period, kontrollera mot ansökan."}, token=second), 200)
        assert got["status"] == "rejected" and got["resolved_by"] == second_id, got
        assert got["resolution_reason"] == "Fel period, kontrollera mot ansökan.", got
        app = expect_ok(s.get(f"{API}/applications/{a['id']}", token=w.coord), 200)
        assert app["status"] == "submitted" and app["awaiting_approval"] is False, app
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=second), 409)
        # decided anew: above the threshold it waits again; the proposer may withdraw it
        again = expect(w.decide(a["id"], "partly_granted", decided_on="2024-03-03",
                                **span_days("2024-03-01", 20)), 202)["proposal"]
        assert again["total_ore"] == 20 * 1320 * KR and again["outcome"] == "partly_granted", again
        expect_ok(s.post(f"{API}/decision-proposals/{again['id']}/reject", {}, token=w.coord), 200)
        # and decided below the threshold it is committed at once
        dec = expect_ok(w.decide(a["id"], "partly_granted", decided_on="2024-03-03", **span_days("2024-03-01", 10)))
        assert dec["total_ore"] == 10 * 1320 * KR and dec["approved_by"] is None, dec
        assert w.budget(2024)["committed_ore"] == 10 * 1320 * KR
        rejected = expect_ok(s.get(f"{API}/decision-proposals?status=rejected", token=w.coord), 200)["proposals"]
        assert [x["id"] for x in rejected] == [prop["id"], again["id"]], rejected
        expect(s.get(f"{API}/decision-proposals?status=maybe", token=w.coord), 400, field="status")


def test_approval_checks_the_rules_and_the_budget_again():
    with Server() as s:
        w = World(s)
        _, second = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        p = w.admitted(org)
        # two applications for overlapping periods: neither is granted yet, so both may be proposed
        a1 = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 20))
        a2 = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-15", 16))
        p1 = expect(w.decide(a1["id"], decided_on="2024-03-01"), 202)["proposal"]
        p2 = expect(w.decide(a2["id"], decided_on="2024-03-01"), 202)["proposal"]
        expect_ok(s.post(f"{API}/decision-proposals/{p1['id']}/approve", {}, token=second), 201)
        # the second would pay the same days twice (R9) and exceed 30 reflection days (R3)
        err = s.post(f"{API}/decision-proposals/{p2['id']}/approve", {}, token=second)
        assert err.status == 422 and err.json["error"]["rule"] in ("R3", "R9"), err
        assert expect_ok(s.get(f"{API}/decision-proposals/{p2['id']}", token=w.coord), 200)["status"] == "pending"
        # R10 at approval: the budget left when approving counts
        p3 = w.admitted(org)
        a3 = w.application(p3["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 30))
        p3p = expect(w.decide(a3["id"], decided_on="2024-03-01"), 202)["proposal"]
        committed = w.budget(2024)["committed_ore"]
        year_with(w, 2024, 20_000 * KR, budget_ore=committed + REFLECTION_30 - 1)
        expect_rule(s.post(f"{API}/decision-proposals/{p3p['id']}/approve", {}, token=second), "R10")
        year_with(w, 2024, 20_000 * KR, budget_ore=committed + REFLECTION_30)
        expect_ok(s.post(f"{API}/decision-proposals/{p3p['id']}/approve", {}, token=second), 201)
        assert w.budget(2024)["remaining_ore"] == 0


def test_R2e_emergency_decision_above_the_threshold_is_committed_at_once():
    """R2e: an emergency is granted "without delay"; four-eyes does not hold it
    back (it stays flagged for follow-up), while the same decision without the
    emergency flag waits for a second coordinator."""
    with Server() as s:
        w = World(s)
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        _, urgent = reflection(w, org)
        dec = expect_ok(w.decide(urgent["id"], decided_on="2024-03-02", emergency=True), 201)
        assert dec["emergency"] is True and dec["total_ore"] == REFLECTION_30, dec
        assert w.budget(2024)["committed_ore"] == REFLECTION_30
        _, ordinary = reflection(w, org)
        expect(w.decide(ordinary["id"], decided_on="2024-03-02"), 202)
        assert w.budget(2024)["committed_ore"] == REFLECTION_30


# ---- four eyes on the control itself (domain.md §8; issue 16, finding 2) ----

def test_four_eyes_bypass_by_removing_the_threshold_is_a_proposal():
    """Finding 2a: PUT /years without the threshold, decide alone, put it back.
    Removing (or raising) the threshold while one is set is itself a proposal
    (202) that changes nothing until another coordinator approves; setting a
    stricter one applies at once; nobody approves their own."""
    with Server() as s:
        w = World(s)
        second_id, second = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        _, a = reflection(w, org)
        first_id = expect_ok(s.get(API + "/me", token=w.coord), 200)["id"]
        # removing it: a proposal, the threshold stays
        r = expect(s.put(f"{API}/years/2024", {"budget_ore": 10 ** 11}, token=w.coord), 202)
        removal = r["proposal"]
        assert r["awaiting_approval"] is True and removal["kind"] == "year_settings", r
        assert removal["status"] == "pending" and removal["proposed_by"] == first_id, removal
        assert removal["target_id"] == 2024 and "four_eyes_ore" not in removal["change"], removal
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] == 20_000 * KR
        # so deciding alone still only proposes
        expect(w.decide(a["id"], decided_on="2024-03-02"), 202)
        assert w.budget(2024)["committed_ore"] == 0
        # raising it is weakening it too
        raised = expect(year_with_raw(w, 2024, 10 ** 10), 202)["proposal"]
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] == 20_000 * KR
        # the proposer cannot approve their own
        expect(s.post(f"{API}/change-proposals/{removal['id']}/approve", {}, token=w.coord), 403, code="forbidden")
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] == 20_000 * KR
        # a stricter threshold applies at once
        assert year_with(w, 2024, 10_000 * KR)["four_eyes_ore"] == 10_000 * KR
        # the second coordinator rejects one and approves the other
        got = expect_ok(s.post(f"{API}/change-proposals/{raised['id']}/reject", {"reason": "nej"}, token=second), 200)
        assert got["status"] == "rejected" and got["resolved_by"] == second_id, got
        done = expect_ok(s.post(f"{API}/change-proposals/{removal['id']}/approve", {}, token=second), 200)
        assert done["status"] == "approved" and done["resolved_by"] == second_id, done
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] is None
        expect(s.post(f"{API}/change-proposals/{removal['id']}/approve", {}, token=second), 409, code="conflict")
        listed = expect_ok(s.get(f"{API}/change-proposals", token=w.coord), 200)["proposals"]
        assert [(x["id"], x["status"]) for x in listed] == [(removal["id"], "approved"), (raised["id"], "rejected")]
        # the decision proposed under the threshold still waits: the threshold in force when proposed applies
        pend = expect_ok(s.get(f"{API}/decision-proposals?status=pending", token=w.coord), 200)["proposals"]
        assert len(pend) == 1 and pend[0]["threshold_ore"] == 20_000 * KR, pend
        expect(s.post(f"{API}/decision-proposals/{pend[0]['id']}/approve", {}, token=w.coord), 403)
        # without a threshold, changing the year is immediate again
        assert year_with(w, 2024, None)["four_eyes_ore"] is None
        # a caseworker cannot see or approve change proposals
        _, cw = w.user("caseworker", org)
        expect(s.get(f"{API}/change-proposals", token=cw), 403)
        expect(s.post(f"{API}/change-proposals/{removal['id']}/approve", {}, token=cw), 403)


def year_with_raw(w, year, threshold_ore, budget_ore=10 ** 11):
    return w.s.put(f"{API}/years/{year}", {"budget_ore": budget_ore, "four_eyes_ore": threshold_ore}, token=w.coord)


def test_four_eyes_bypass_by_a_second_coordinator_account_is_a_proposal():
    """Finding 2b: create a second coordinator, log in as it, approve one's own
    proposal. While a threshold is set, creating (or re-activating) a
    coordinator is a proposal another coordinator approves: alone, nothing
    is created and the decision stays unapproved."""
    with Server() as s:
        w = World(s)
        year_with(w, 2024, 20_000 * KR)
        org = w.org()
        _, a = reflection(w, org)
        prop = expect(w.decide(a["id"], decided_on="2024-03-02"), 202)["proposal"]
        body = {"username": "andra", "password": "ett annat långt lösenord", "role": "coordinator"}
        r = expect(s.post(API + "/users", body, token=w.coord), 202)
        create = r["proposal"]
        assert create["kind"] == "user_create" and create["change"]["username"] == "andra", create
        assert "password" not in create["change"] and "password_hash" not in create["change"], create
        # no account exists: the login fails, there is no one to approve the decision
        assert s.post(API + "/login", {"username": "andra", "password": body["password"]}).status == 401
        users = expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]
        assert [u["username"] for u in users if u["role"] == "coordinator"] == ["samordnare"], users
        expect(s.post(f"{API}/change-proposals/{create['id']}/approve", {}, token=w.coord), 403, code="forbidden")
        assert expect_ok(s.get(f"{API}/change-proposals/{create['id']}", token=w.coord), 200)["status"] == "pending"
        expect(s.post(f"{API}/decision-proposals/{prop['id']}/approve", {}, token=w.coord), 403)
        assert w.budget(2024)["committed_ore"] == 0
        # other roles are not four-eyes controlled, and cannot see the proposals
        _, cw = w.user("caseworker", org)
        expect(s.get(f"{API}/change-proposals/{create['id']}", token=cw), 403)


def test_four_eyes_a_second_coordinator_approves_a_new_or_reactivated_coordinator():
    with Server() as s:
        w = World(s)
        second_id, second = w.user("coordinator")
        third_id, _ = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        expect_ok(s.post(f"{API}/users/{third_id}/deactivate", token=w.coord), 200)
        # re-activating a coordinator: a proposal
        act = expect(s.post(f"{API}/users/{third_id}/activate", token=w.coord), 202)["proposal"]
        assert act["kind"] == "user_activate" and act["target_id"] == third_id, act
        users = {u["id"]: u for u in expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]}
        assert users[third_id]["active"] is False
        expect(s.post(f"{API}/change-proposals/{act['id']}/approve", {}, token=w.coord), 403)
        expect_ok(s.post(f"{API}/change-proposals/{act['id']}/approve", {}, token=second), 200)
        users = {u["id"]: u for u in expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]}
        assert users[third_id]["active"] is True
        # a new coordinator: a proposal the second approves; then the account logs in
        body = {"username": "fjarde", "password": "ett annat långt lösenord", "role": "coordinator"}
        create = expect(s.post(API + "/users", body, token=w.coord), 202)["proposal"]
        expect(s.post(API + "/users", body, token=w.coord), 202)   # a second proposal of the same name
        done = expect_ok(s.post(f"{API}/change-proposals/{create['id']}/approve", {}, token=second), 200)
        assert done["status"] == "approved" and done["result_id"], done
        users = {u["id"]: u for u in expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]}
        assert users[done["result_id"]]["username"] == "fjarde" and users[done["result_id"]]["role"] == "coordinator"
        r = s.post(API + "/login", {"username": "fjarde", "password": body["password"]})
        assert r.status == 200, r
        # the name is taken now
        expect(s.post(API + "/users", body, token=w.coord), 409, field="username")
        # caseworkers and funders are not controlled by four eyes
        expect_ok(s.post(API + "/users", {"username": "finans", "password": "ett annat långt lösenord",
                                          "role": "funder"}, token=w.coord), 201)


def test_four_eyes_change_proposals_on_the_users_page():
    """The users page lists the pending changes: the proposer may withdraw
    (no approve button), another coordinator approves with the page's form."""
    import re
    with Server() as s:
        w = World(s)
        second_id, second = w.user("coordinator")
        year_with(w, 2024, 20_000 * KR)
        prop = expect(s.put(f"{API}/years/2024", {"budget_ore": 10 ** 11}, token=w.coord), 202)["proposal"]
        origin = {"Origin": f"http://127.0.0.1:{s.port}"}

        def page(token):
            r = s.get("/users", headers={"Cookie": f"nsp_session={token}"})
            assert r.status == 200, r
            return r.text

        mine = page(w.coord)
        assert f"/change-proposals/{prop['id']}/reject" in mine and f"/change-proposals/{prop['id']}/approve" not in mine
        theirs = page(second)
        assert f"/change-proposals/{prop['id']}/approve" in theirs and "2024" in theirs
        csrf = re.search(r'name="csrf" value="([^"]+)"', theirs).group(1)
        r = s.post(f"/change-proposals/{prop['id']}/approve", raw=f"csrf={csrf}".encode(),
                   headers=dict(origin, Cookie=f"nsp_session={second}",
                                **{"Content-Type": "application/x-www-form-urlencoded"}))
        assert r.status == 303 and r.headers["Location"].endswith("done=change_approved"), r
        assert expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)["four_eyes_ore"] is None
        assert f"/change-proposals/{prop['id']}/" not in page(w.coord)
