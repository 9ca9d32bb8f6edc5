"""Lock-out without denial of service and audit floods (issue 16, findings 5
and 6). Failed logins are throttled by address and by (address, username);
the account's own count slows down only addresses that have failed, so a
right password (and code) from an address that has not failed is never
refused. Failed and throttled logins are counted in one audit row per
(address, minute), not one row each. 127.0.0.x addresses on loopback are
distinct clients."""
import http.client
import json
import sqlite3

from harness import API, COORD_PASSWORD, Server, World


def login_from(s, source, username, password):
    """POST /api/v1/login from the loopback address source; (status, json)."""
    con = http.client.HTTPConnection("127.0.0.1", s.port, timeout=20, source_address=(source, 0))
    try:
        con.request("POST", API + "/login", json.dumps({"username": username, "password": password}),
                    {"Content-Type": "application/json"})
        r = con.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        con.close()


def counted(s, action):
    con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
    try:
        return [d for (d,) in con.execute("SELECT detail FROM audit WHERE action = ? ORDER BY id", (action,))]
    finally:
        con.close()


def test_lockout_wrong_passwords_from_many_addresses_do_not_lock_out_the_coordinator():
    with Server() as s:
        World(s)                                   # enrols the coordinator's second factor
        # the hostile test: wrong passwords for the coordinator from many addresses
        for i in range(2, 12):
            status, _ = login_from(s, f"127.0.0.{i}", "samordnare", "fel lösenord nummer ett")
            assert status == 401, status
        # an address that has failed is slowed down by the account's count now
        status, body = login_from(s, "127.0.0.2", "samordnare", "fel lösenord nummer två")
        assert status == 429 and body["error"]["code"] == "throttled", body
        status, _ = login_from(s, "127.0.0.2", "samordnare", COORD_PASSWORD)
        assert status == 429, status
        # the right password from an address that has not failed: never refused
        status, body = login_from(s, "127.0.1.20", "samordnare", COORD_PASSWORD)
        assert status == 200 and body.get("second_factor_required") is True, body
        # and the code completes it from there
        con = http.client.HTTPConnection("127.0.0.1", s.port, timeout=20, source_address=("127.0.1.20", 0))
        con.request("POST", API + "/login/totp",
                    json.dumps({"challenge": body["challenge"], "code": s.phones["samordnare"].code()}),
                    {"Content-Type": "application/json"})
        r = con.getresponse()
        assert r.status == 200 and json.loads(r.read())["token"], r.status
        con.close()


def test_lockout_one_address_guessing_is_throttled_and_audited_per_minute():
    with Server() as s:
        World(s)
        statuses = [login_from(s, "127.0.0.30", "samordnare", f"gissning {i}")[0] for i in range(40)]
        assert statuses[:5] == [401] * 5 and statuses.count(429) >= 30, statuses
        # another username from the same address waits too (the address is throttled)
        assert login_from(s, "127.0.0.30", "någon-annan", "gissning")[0] == 429
        # another address is not concerned
        assert login_from(s, "127.0.0.31", "samordnare", COORD_PASSWORD)[0] == 200
        s.stop()
        failures, throttled = counted(s, "login.failure"), counted(s, "login.throttled")
        # one row per (address, minute) — the run may straddle a minute: at most two — with the count
        assert 1 <= len(failures) <= 2 and 1 <= len(throttled) <= 2, (failures, throttled)
        assert all("address=127.0.0.30" in d for d in failures + throttled), (failures, throttled)
        assert sum(int(d.split("count=")[1]) for d in failures) == statuses.count(401)
        assert sum(int(d.split("count=")[1]) for d in throttled) == statuses.count(429) + 1
        assert not any("gissning" in d for d in failures + throttled)   # no typed words in the log
