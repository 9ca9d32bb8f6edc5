#!/usr/bin/env python3
"""Crash safety of nsp serve under SIGKILL.

Starts the real server on a fresh database, drives concurrent writes from
several client threads (persons, admissions, point and reflection
applications, decisions, payments, closes), kills the server with SIGKILL at
a random moment, restarts it, and checks after every restart:

  * every write that was answered 2xx is there, with the values the answer
    gave (through the API and through the raw database, read-only);
  * the ledger invariant of domain.md section 8 holds for every year, in the
    API's figures and in the raw ledger sums (remaining = budget - committed
    + released, so budget = committed-and-open + paid + remaining);
  * no decision is paid beyond its total (R14), every decision has exactly
    its commit row, every payment its ledger row, every close its release;
  * PRAGMA integrity_check and foreign_key_check are clean;
  * `nsp audit verify` exits 0, and `nsp audit verify --head` proves that the
    log has only grown since the head signed after the previous restart.

A request cut off by the kill has an unknown outcome: it may or may not have
been written, and the checks allow both (but never a half-written one).

Usage: crash.py --nsp build/nsp [--kills N] [--seed S] [--clients C] [--keep]
Prints one line per round and closes with `crash: N passed, N failed`
(N = rounds: one per kill, plus the final clean shutdown).
"""
import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import threading
import time
import traceback
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))

import harness  # noqa: E402  (the path above first)
from harness import API, Server, World  # noqa: E402

YEARS = (2024, 2025)
BUDGET_ORE = 10 ** 13            # large: R10 must not refuse anything here
POINT_CATEGORIES = ("interpreter", "legal_advice", "travel", "support_talk", "other")
FIRST_DAY = datetime.date(2024, 1, 2)    # admissions are dated here
LAST_DAY = datetime.date(2025, 12, 31)


class Unknown(Exception):
    """The request may or may not have reached the server: its outcome is unknown."""


class NotSent(Exception):
    """The request certainly did not reach a server (connection refused)."""


def iso(day):
    return day.isoformat()


def clamp_today(day):
    """Never after today as the server counts it (Europe/Stockholm, README: "Today")."""
    return min(day, datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date())


class CrashServer(Server):
    """harness.Server (which drains standard error and watches it for
    sanitizer reports) with a SIGKILL that leaves the server no cleanup."""

    def kill(self):
        """Kills the server; returns a sentence when it had reported a sanitizer error, else None."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._drain.join(10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None
        return self.sanitizer_report()

    def sanitizer_report(self):
        err = self.stderr_text()
        if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer", err):
            return "the server reported a sanitizer error: " + err[-3000:]
        return None

    def stderr_tail(self, n=2000):
        return self.stderr_text()[-n:]


class Acks:
    """What the server acknowledged (2xx) and what is in doubt. Shared by the
    client threads; every method takes the lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.persons = {}       # id -> code
        self.apps = {}          # id -> (person_id, type, submitted_on)
        self.decisions = {}     # id -> dict(application_id, total_ore, year, outcome, decided_on)
        self.payments = {}      # id -> (decision_id, amount_ore)
        self.closes = {}        # decision id -> released_ore
        self.unknown = []       # (kind, what) of requests cut off by a kill
        self.unknown_pay = {}   # decision id -> sum of payments in doubt
        self.unknown_close = set()
        self.statuses = {}      # HTTP status -> count (answers of writes)
        self.errors = []        # unexpected answers (5xx, or a 4xx that must not happen)
        # pools the clients draw their next write from
        self.admitted = []      # person ids with an acknowledged admission
        self.no_reflection = []  # admitted persons without a reflection application yet
        self.pending = []       # submitted application ids, not decided as far as we know
        self.payable = []       # decision ids with total > 0, not closed as far as we know
        self.touched = set()    # decisions with payments acknowledged since the last check
        self.n_acked = 0

    def status(self, code):
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1


class Cluster:
    """The server, its generation (bumped at every restart) and the gate the
    clients pass through before each request."""

    def __init__(self, server):
        self.s = server
        self.cond = threading.Condition()
        self.running = False
        self.in_flight = 0
        self.stop = False
        self.generation = 0

    def enter(self):
        """Waits until requests may be sent; returns the base URL and generation, or None to stop."""
        with self.cond:
            while not self.running and not self.stop:
                self.cond.wait()
            if self.stop:
                return None
            self.in_flight += 1
            return self.s.port, self.generation

    def leave(self):
        with self.cond:
            self.in_flight -= 1
            self.cond.notify_all()

    def pause(self):
        """Lets no new request start and waits for those in flight to end."""
        with self.cond:
            self.running = False
            while self.in_flight:
                self.cond.wait()

    def resume(self):
        with self.cond:
            self.generation += 1
            self.running = True
            self.cond.notify_all()

    def finish(self):
        with self.cond:
            self.stop = True
            self.running = False
            self.cond.notify_all()


class Client(threading.Thread):
    """One client: a loop of random writes, each recorded when answered 2xx."""

    def __init__(self, k, cluster, acks, tokens, org, seed):
        super().__init__(name=f"client-{k}", daemon=True)
        self.k = k
        self.c = cluster
        self.acks = acks
        self.tokens = tokens     # (coordinator, caseworker)
        self.org = org
        self.rng = random.Random(seed * 1000 + k)
        self.conn = None
        self.conn_gen = None
        self.failure = None

    # ---------------------------------------------------------------- HTTP

    def call(self, method, path, body=None, token=None):
        """One request. Returns (status, json). Raises Unknown when the answer
        was lost (the server may have done it), NotSent when it was refused."""
        gate = self.c.enter()
        if gate is None:
            raise SystemExit
        port, gen = gate
        try:
            if self.conn is None or self.conn_gen != gen:
                if self.conn is not None:
                    self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                self.conn_gen = gen
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Authorization": "Bearer " + (token or self.tokens[0])}
            if data is not None:
                headers["Content-Type"] = "application/json"
            sent = False
            try:
                self.conn.request(method, API + path, body=data, headers=headers)
                sent = True
                r = self.conn.getresponse()
                raw = r.read()
            except ConnectionRefusedError:
                self.conn.close()
                self.conn = None
                raise NotSent()
            except (OSError, http.client.HTTPException) as e:
                self.conn.close()
                self.conn = None
                if not sent and isinstance(e, ConnectionRefusedError):
                    raise NotSent()
                raise Unknown(str(e))
            if method != "GET":
                self.acks.status(r.status)
            try:
                js = json.loads(raw.decode("utf-8")) if raw else None
            except ValueError:
                js = None
            if r.status >= 500:
                with self.acks.lock:
                    self.acks.errors.append(f"{method} {path} -> {r.status} {raw[:300]!r}")
            return r.status, js
        finally:
            self.c.leave()

    def write(self, kind, what, method, path, body, token=None, ok=(200, 201), allowed=()):
        """A write: returns the JSON of a 2xx, None for an allowed refusal;
        records the doubt of a lost answer and re-raises it."""
        try:
            status, js = self.call(method, path, body, token)
        except Unknown:
            with self.acks.lock:
                self.acks.unknown.append((kind, what))
            raise
        if status in ok:
            return js
        if status not in allowed and status < 500:
            with self.acks.lock:
                self.acks.errors.append(f"{kind} {what}: unexpected {status} {json.dumps(js)[:300]}")
        return None

    # ---------------------------------------------------------------- actions

    def pick(self, pool, remove=False):
        with self.acks.lock:
            if not pool:
                return None
            i = self.rng.randrange(len(pool))
            v = pool[i]
            if remove:
                pool[i] = pool[-1]
                pool.pop()
            return v

    def new_person(self):
        p = self.write("person", "", "POST", "/persons",
                       {"organisation_id": self.org, "gender": self.rng.choice(("female", "male")),
                        "age_group": "adult", "exploitation_forms": ["labour_exploitation"],
                        "referral_source": "civil_society", "legal_status": "asylum_seeker",
                        "sweden_responsible": True})
        if not p:
            return
        with self.acks.lock:
            self.acks.persons[p["id"]] = p["code"]
            self.acks.n_acked += 1
        a = self.write("application", f"admission of {p['id']}", "POST", "/applications",
                       {"person_id": p["id"], "type": "admission", "basis": {"kind": "no_designated_actor"},
                        "identified": True, "needs_assessment": "Skyddat boende behövs.",
                        "submitted_on": iso(FIRST_DAY)})
        if not a:
            return
        self.record_app(a, p["id"], "admission", FIRST_DAY, pending=False)
        dec = self.write("decision", f"admission {a['id']}", "POST", f"/applications/{a['id']}/decision",
                         {"outcome": "granted", "decided_on": iso(FIRST_DAY)})
        if not dec:
            return
        self.record_decision(dec, a["id"], FIRST_DAY)
        with self.acks.lock:
            self.acks.admitted.append(p["id"])
            self.acks.no_reflection.append(p["id"])

    def record_app(self, a, person_id, type_, submitted_on, pending=True, units=0):
        with self.acks.lock:
            self.acks.apps[a["id"]] = (person_id, type_, iso(submitted_on))
            self.acks.n_acked += 1
            if pending:
                self.acks.pending.append((a["id"], submitted_on, type_, units))

    def record_decision(self, dec, app_id, decided_on):
        with self.acks.lock:
            self.acks.decisions[dec["id"]] = {"application_id": app_id, "total_ore": dec["total_ore"],
                                              "year": decided_on.year, "outcome": dec.get("outcome"),
                                              "decided_on": iso(decided_on)}
            self.acks.n_acked += 1
            if dec["total_ore"] > 0:
                self.acks.payable.append((dec["id"], decided_on, dec["total_ore"]))

    def apply_point(self):
        pid = self.pick(self.acks.admitted)
        if pid is None:
            return
        day = FIRST_DAY + datetime.timedelta(days=self.rng.randrange((LAST_DAY - FIRST_DAY).days))
        units = self.rng.randint(1, 5)
        a = self.write("application", f"point for {pid}", "POST", "/applications",
                       {"person_id": pid, "type": "point_adult", "basis": {"kind": "no_designated_actor"},
                        "category": self.rng.choice(POINT_CATEGORIES), "units": units,
                        "motivation": "Behövs.", "submitted_on": iso(day)})
        if a:
            self.record_app(a, pid, "point_adult", day, units=units)

    def apply_reflection(self):
        pid = self.pick(self.acks.no_reflection, remove=True)
        if pid is None:
            return
        start = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(30, 600))
        a = self.write("application", f"reflection for {pid}", "POST", "/applications",
                       {"person_id": pid, "type": "reflection", "basis": {"kind": "no_designated_actor"},
                        "from": iso(start), "to": iso(start + datetime.timedelta(days=29)),
                        "submitted_on": iso(start)})
        if a:
            self.record_app(a, pid, "reflection", start)

    def decide(self):
        # Now and then two clients decide the same application: exactly one may win (409 for the other).
        race = self.rng.random() < 0.1
        item = self.pick(self.acks.pending, remove=not race)
        if item is None:
            return
        app_id, submitted, type_, units = item
        on = clamp_today(submitted + datetime.timedelta(days=self.rng.randrange(0, 20)))
        r = self.rng.random()
        body = {"outcome": "granted", "decided_on": iso(on)}
        if r < 0.15:
            body = {"outcome": "denied", "reason": "Annan aktör ansvarar.", "decided_on": iso(on)}
        elif r < 0.25 and (type_ == "reflection" or units > 1):
            # A partial grant covers less than was applied for.
            body = {"outcome": "partly_granted", "reason": "Delvis.", "decided_on": iso(on)}
            if type_ == "reflection":
                body.update({"from": iso(submitted), "to": iso(submitted + datetime.timedelta(days=9))})
            else:
                body["units"] = units - 1
        dec = self.write("decision", f"application {app_id}", "POST", f"/applications/{app_id}/decision", body,
                         allowed=(409, 422))
        if dec:
            self.record_decision(dec, app_id, on)
            with self.acks.lock:
                if race and item in self.acks.pending:
                    self.acks.pending.remove(item)

    def pay(self):
        item = self.pick(self.acks.payable)
        if item is None:
            return
        dec_id, decided_on, total = item
        amount = self.rng.randint(1, max(1, total // 3))
        paid_on = clamp_today(decided_on + datetime.timedelta(days=self.rng.randrange(0, 60)))
        token = self.tokens[0]   # payments by amount are the coordinator's (organisations claim)
        try:
            p = self.write("payment", f"{amount} on decision {dec_id}", "POST", "/payments",
                           {"decision_id": dec_id, "amount_ore": amount, "paid_on": iso(paid_on),
                            "reference": f"rekv-{self.k}"}, token=token, allowed=(409, 422))
        except Unknown:
            with self.acks.lock:
                self.acks.unknown_pay[dec_id] = self.acks.unknown_pay.get(dec_id, 0) + amount
            raise
        if p:
            with self.acks.lock:
                self.acks.payments[p["id"]] = (dec_id, amount)
                self.acks.touched.add(dec_id)
                self.acks.n_acked += 1

    def close(self):
        item = self.pick(self.acks.payable, remove=True)
        if item is None:
            return
        dec_id, decided_on, _ = item
        on = clamp_today(decided_on + datetime.timedelta(days=61))
        try:
            d = self.write("close", f"decision {dec_id}", "POST", f"/decisions/{dec_id}/close", {"date": iso(on)},
                           ok=(200,), allowed=(409,))
        except Unknown:
            with self.acks.lock:
                self.acks.unknown_close.add(dec_id)
            raise
        if d:
            with self.acks.lock:
                self.acks.closes[dec_id] = d["released_ore"]
                self.acks.n_acked += 1

    def run(self):
        actions = ((self.new_person, 12), (self.apply_point, 28), (self.apply_reflection, 4),
                   (self.decide, 26), (self.pay, 26), (self.close, 4))
        funcs = [f for f, _ in actions]
        weights = [w for _, w in actions]
        while True:
            try:
                self.rng.choices(funcs, weights)[0]()
            except (Unknown, NotSent):
                continue
            except SystemExit:
                return
            except Exception:
                self.failure = traceback.format_exc()
                with self.acks.lock:
                    self.acks.errors.append(f"{self.name} crashed: {self.failure}")
                return


# ---------------------------------------------------------------- checks

class Checker:
    def __init__(self, server, acks, coord_token):
        self.s = server
        self.acks = acks
        self.coord = coord_token
        self.head_file = None

    def api(self, path):
        r = self.s.get(API + path, token=self.coord)
        assert r.status == 200, f"GET {path} -> {r!r}"
        return r.json

    def check(self, problems, label):
        """Runs every check; appends one sentence per problem to `problems`."""
        def fail(msg):
            problems.append(f"{label}: {msg}")

        with self.acks.lock:
            persons = dict(self.acks.persons)
            apps = dict(self.acks.apps)
            decisions = {k: dict(v) for k, v in self.acks.decisions.items()}
            payments = dict(self.acks.payments)
            closes = dict(self.acks.closes)
            unknown_pay = dict(self.acks.unknown_pay)
            unknown_close = set(self.acks.unknown_close)
            touched = set(self.acks.touched)
            self.acks.touched.clear()

        # ---- raw database, read-only
        con = sqlite3.connect(f"file:{self.s.db}?mode=ro", uri=True, timeout=30)
        try:
            ic = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if ic != ["ok"]:
                fail(f"integrity_check: {ic[:5]}")
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
            if fk:
                fail(f"foreign_key_check: {fk[:5]}")
            raw_p = dict(con.execute("SELECT id, code FROM persons"))
            raw_a = {r[0]: r[1:] for r in con.execute(
                "SELECT id, person_id, type, status, submitted_on FROM applications")}
            raw_d = {r[0]: r[1:] for r in con.execute(
                "SELECT id, application_id, total_ore, year, outcome, decided_on, closed_on FROM decisions")}
            raw_pay = {r[0]: r[1:] for r in con.execute("SELECT id, decision_id, amount_ore FROM payments")}
            lines = dict(con.execute("SELECT decision_id, SUM(amount_ore) FROM decision_lines GROUP BY decision_id"))
            ledger = con.execute("SELECT id, year, decision_id, kind, amount_ore, payment_id FROM ledger").fetchall()
            audited = set(con.execute(
                "SELECT action, entity_id FROM audit WHERE action IN "
                "('person.create', 'application.create', 'decision.record', 'payment.record', 'decision.close')"))
            years = dict(con.execute("SELECT year, budget_ore FROM years"))
        finally:
            con.close()

        epoch = datetime.date(1970, 1, 1)

        def day_of(n):
            return iso(epoch + datetime.timedelta(days=n))

        for pid, code in persons.items():
            if raw_p.get(pid) != code:
                fail(f"acknowledged person {pid} ({code}) is {raw_p.get(pid)!r} in the database")
            elif ("person.create", pid) not in audited:
                fail(f"person {pid} has no audit entry")
        for aid, (pid, type_, sub) in apps.items():
            row = raw_a.get(aid)
            if row is None or row[0] != pid or row[1] != type_ or day_of(row[3]) != sub:
                fail(f"acknowledged application {aid} ({type_} for {pid}) is {row!r} in the database")
            elif ("application.create", aid) not in audited:
                fail(f"application {aid} has no audit entry")
        for did, d in decisions.items():
            row = raw_d.get(did)
            if row is None or row[0] != d["application_id"] or row[1] != d["total_ore"] or row[2] != d["year"] \
                    or day_of(row[4]) != d["decided_on"]:
                fail(f"acknowledged decision {did} ({d}) is {row!r} in the database")
                continue
            if raw_a.get(d["application_id"], (None,) * 3)[2] != "decided":
                fail(f"application {d['application_id']} of decision {did} is not marked decided")
            if ("decision.record", did) not in audited:
                fail(f"decision {did} has no audit entry")
        for pay_id, (did, amount) in payments.items():
            row = raw_pay.get(pay_id)
            if row != (did, amount):
                fail(f"acknowledged payment {pay_id} ({amount} öre on decision {did}) is {row!r} in the database")
            elif ("payment.record", pay_id) not in audited:
                fail(f"payment {pay_id} has no audit entry")
        for did in closes:
            row = raw_d.get(did)
            if row is None or row[5] is None:
                fail(f"acknowledged close of decision {did} is not in the database")
            elif ("decision.close", did) not in audited:
                fail(f"the close of decision {did} has no audit entry")

        # every decision in the file (acknowledged or in doubt): lines, ledger rows, R14
        paid = {}
        for pay_id, (did, amount) in raw_pay.items():
            paid[did] = paid.get(did, 0) + amount
        by_dec = {}
        sums = {}
        pay_rows = {}
        for lid, year, did, kind, amount, pay_id in ledger:
            by_dec.setdefault(did, []).append((kind, amount, year))
            sums[(year, kind)] = sums.get((year, kind), 0) + amount
            if kind == "payment":
                pay_rows[pay_id] = (did, amount, year)
        decided = {row[0] for row in raw_d.values()}
        for aid, row in raw_a.items():
            if (row[2] == "decided") != (aid in decided):
                fail(f"application {aid} has status {row[2]} but {'a' if aid in decided else 'no'} decision")
        for did, (aid, total, year, outcome, decided_on, closed_on) in raw_d.items():
            if lines.get(did, 0) != total:
                fail(f"decision {did}: lines sum to {lines.get(did, 0)}, total is {total}")
            p = paid.get(did, 0)
            if p > total:
                fail(f"decision {did} is paid {p} öre, beyond its total {total} (R14)")
            rows = by_dec.get(did, [])
            commits = [a for k, a, y in rows if k == "commit" and y == year]
            if commits != ([total] if total > 0 else []):
                fail(f"decision {did} (total {total}) has commit rows {commits}")
            releases = [a for k, a, y in rows if k == "release" and y == year]
            want = [total - p] if closed_on is not None and total - p > 0 else []
            if releases != want:
                fail(f"decision {did} (total {total}, paid {p}, closed {closed_on}) has release rows {releases}")
            if any(y != year for _, _, y in rows):
                fail(f"decision {did} of {year} has ledger rows of another year: {rows}")
            if did in closes and closes[did] != (releases[0] if releases else 0):
                fail(f"decision {did}: the close released {closes[did]} öre, the ledger {releases}")
        for pay_id, (did, amount) in raw_pay.items():
            y = raw_d[did][2] if did in raw_d else None
            if pay_rows.get(pay_id) != (did, amount, y):
                fail(f"payment {pay_id} ({amount} on {did}) has ledger row {pay_rows.get(pay_id)}")
        if len(pay_rows) != len(raw_pay):
            fail(f"{len(pay_rows)} payment ledger rows for {len(raw_pay)} payments")
        for did, d in decisions.items():
            acked = sum(a for (dd, a) in payments.values() if dd == did)
            p = paid.get(did, 0)
            if not acked <= p <= acked + unknown_pay.get(did, 0):
                fail(f"decision {did}: {p} öre paid in the database, {acked} acknowledged, "
                     f"{unknown_pay.get(did, 0)} in doubt")
            if raw_d.get(did, (0,) * 6)[5] is not None and did not in closes and did not in unknown_close:
                fail(f"decision {did} is closed, but no close was sent")

        # ---- through the API
        api_dec = {d["id"]: d for d in self.api("/decisions")["decisions"]}
        api_app = {a["id"]: a for a in self.api("/applications")["applications"]}
        api_per = {}
        offset = 0
        while True:
            page = self.api(f"/persons?limit=1000&offset={offset}")["persons"]
            api_per.update((p["id"], p) for p in page)
            if len(page) < 1000:
                break
            offset += 1000
        for pid, code in persons.items():
            if api_per.get(pid, {}).get("code") != code:
                fail(f"GET /persons lacks acknowledged person {pid} ({code})")
        for aid, (pid, type_, sub) in apps.items():
            a = api_app.get(aid)
            if a is None or a.get("person_id") != pid or a.get("type") != type_:
                fail(f"GET /applications lacks acknowledged application {aid}: {a}")
        for did, d in decisions.items():
            a = api_dec.get(did)
            if a is None or a["total_ore"] != d["total_ore"] or a["application_id"] != d["application_id"]:
                fail(f"GET /decisions lacks acknowledged decision {did}: {a}")
                continue
            if a["paid_ore"] != paid.get(did, 0):
                fail(f"decision {did}: the API says paid {a['paid_ore']}, the database {paid.get(did, 0)}")
            app = api_app.get(d["application_id"]) or {}
            if (app.get("decision") or {}).get("id") != did:
                fail(f"GET /applications/{d['application_id']} does not show decision {did}")
        for did, released in closes.items():
            a = api_dec.get(did) or {}
            if a.get("closed_on") is None or a.get("released_ore") != released:
                fail(f"GET /decisions does not show the acknowledged close of decision {did} ({released}): {a}")
        for did in sorted(touched):
            got = {p["id"]: p["amount_ore"] for p in self.api(f"/decisions/{did}/payments")["payments"]}
            for pay_id, (dd, amount) in payments.items():
                if dd == did and got.get(pay_id) != amount:
                    fail(f"GET /decisions/{did}/payments lacks acknowledged payment {pay_id} ({amount})")

        # ---- the ledger invariant of every year, API and raw
        for year in sorted(set(YEARS) | {y for (y, _) in sums}):
            b = self.api(f"/years/{year}/budget")
            committed, paid_y, released = (sums.get((year, k), 0) for k in ("commit", "payment", "release"))
            raw_budget = years.get(year) or 0
            if (b["committed_ore"], b["paid_ore"], b["released_ore"]) != (committed, paid_y, released):
                fail(f"{year}: the API's committed/paid/released {b} differ from the ledger's "
                     f"{committed}/{paid_y}/{released}")
            if b["budget_ore"] != raw_budget:
                fail(f"{year}: budget {b['budget_ore']} in the API, {raw_budget} in the database")
            if b["remaining_ore"] != b["budget_ore"] - b["committed_ore"] + b["released_ore"]:
                fail(f"{year}: remaining {b['remaining_ore']} != budget - committed + released ({b})")
            # domain.md section 8, to the öre: budget = committed-and-open + paid + remaining.
            open_commit = committed - paid_y - released
            if raw_budget != open_commit + paid_y + b["remaining_ore"]:
                fail(f"{year}: budget {raw_budget} != committed-and-open {open_commit} + paid {paid_y} + "
                     f"remaining {b['remaining_ore']}")
            if open_commit < 0:
                fail(f"{year}: paid + released exceed committed ({committed} < {paid_y} + {released})")
            dec_total = sum(t for (_, t, y, *_r) in raw_d.values() if y == year)
            if dec_total != committed:
                fail(f"{year}: decisions total {dec_total}, committed in the ledger {committed}")

        # ---- the audit chain, and that it only grew since the last signed head
        r = harness.run_nsp("audit", "verify", "--db", self.s.db, timeout=300)
        if r.returncode != 0:
            fail(f"nsp audit verify failed: {r.stderr.strip() or r.stdout.strip()}")
        if self.head_file:
            r = harness.run_nsp("audit", "verify", "--db", self.s.db, "--head", self.head_file, timeout=300)
            if r.returncode != 0:
                fail(f"nsp audit verify --head failed: {r.stderr.strip() or r.stdout.strip()}")
        r = harness.run_nsp("audit", "head", "--db", self.s.db)
        if r.returncode != 0:
            fail(f"nsp audit head failed: {r.stderr.strip()}")
        else:
            self.head_file = os.path.join(self.s.dir, "audit-head.txt")
            with open(self.head_file, "w") as fh:
                fh.write(r.stdout)


# ---------------------------------------------------------------- main

def inject_loss(db, acks):
    """Self-test of the checks: deletes one acknowledged, undecided application
    from the killed server's file, as a lost write would look. Returns its id."""
    with acks.lock:
        victims = sorted(acks.apps)
    con = sqlite3.connect(db)
    try:
        decided = {r[0] for r in con.execute("SELECT application_id FROM decisions")}
        victim = next((a for a in victims if a not in decided), None)
        if victim is not None:
            con.execute("DELETE FROM applications WHERE id = ?", (victim,))
            con.commit()
    finally:
        con.close()
    return victim


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nsp", default=harness.nsp_bin())
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--max-run", type=float, default=1.2, help="longest run before a kill, seconds")
    ap.add_argument("--keep", action="store_true", help="keep the database folder")
    ap.add_argument("--inject-loss", action="store_true",
                    help="self-test: after a kill, delete one acknowledged, undecided application from the file "
                         "before the restart; succeeds only if the checks report exactly that loss")
    args = ap.parse_args()
    os.environ["NSP_BIN"] = os.path.abspath(args.nsp)
    rng = random.Random(args.seed)
    t0 = time.time()
    if args.inject_loss:
        print("crash: self-test: one acknowledged write is deleted after a kill; "
              "the FAIL lines below are expected", flush=True)

    s = CrashServer(nsp=args.nsp)
    s.init()
    s.start()
    w = World(s, budget_years=YEARS, budget_ore=BUDGET_ORE)
    org = w.org(certified_on="2023-06-01")
    _, cw = w.user("caseworker", org)
    acks = Acks()
    cluster = Cluster(s)
    checker = Checker(s, acks, w.coord)
    clients = [Client(k, cluster, acks, (w.coord, cw), org, args.seed) for k in range(args.clients)]
    for c in clients:
        c.start()

    passed = failed = 0
    injected = None
    caught = False
    kills = 0
    for round_ in range(args.kills + 1):
        last = round_ == args.kills
        cluster.resume()
        # A random moment: mostly while the writes are in full flow, now and then right after the start.
        delay = rng.uniform(0.0, 0.05) if rng.random() < 0.15 else rng.uniform(0.05, args.max_run)
        deadline = time.time() + (2 * args.max_run if last else delay)
        died = False
        while time.time() < deadline:
            if s.proc.poll() is not None:
                died = True
                break
            time.sleep(min(0.01, max(0.0, deadline - time.time())))
        problems = []
        if died:
            problems.append(f"the server died on its own (status {s.proc.returncode}): {s.stderr_tail()}")
        if last:
            # The end: a clean stop (SIGTERM finishes requests in flight), then the same checks.
            try:
                code = s.stop()
                if code != 0:
                    problems.append(f"SIGTERM: exit status {code}: {s.stderr_tail()}")
            except AssertionError as e:
                problems.append(str(e)[:3000])
            cluster.pause()
        else:
            report = s.kill()
            if report:
                problems.append(report)
            kills += 1
            cluster.pause()
            if args.inject_loss and injected is None:
                injected = inject_loss(s.db, acks)
        try:
            s.start()
        except RuntimeError as e:
            problems.append(str(e))
            print(f"round {round_ + 1}: {problems}", flush=True)
            failed += 1
            break
        try:
            checker.check(problems, f"round {round_ + 1}")
        except Exception:
            problems.append(f"round {round_ + 1}: the check itself failed: {traceback.format_exc()}")
        with acks.lock:
            errs, acks.errors = acks.errors, []
            problems.extend(f"round {round_ + 1}: {e}" for e in errs)
            n_acked, n_unknown = acks.n_acked, len(acks.unknown)
        if injected is not None and any(f"acknowledged application {injected} " in p for p in problems):
            caught = True
        what = "clean stop" if last else f"kill {kills} after {delay:.3f}s"
        if problems:
            failed += 1
            print(f"FAIL round {round_ + 1} ({what}): {len(problems)} problems", flush=True)
            for p in problems[:20]:
                print("  " + p, flush=True)
        else:
            passed += 1
            print(f"ok   round {round_ + 1} ({what}): {n_acked} acknowledged writes verified, "
                  f"{n_unknown} cut off", flush=True)

    cluster.finish()
    if s.proc is not None:
        try:
            code = s.stop()
        except AssertionError as e:
            code = str(e)[:3000]
        if code != 0:
            failed += 1
            print(f"FAIL the last stop: {code}", flush=True)
    for c in clients:
        c.join(timeout=10)
    with acks.lock:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(acks.statuses.items()))
        print(f"crash: {kills} kills, {acks.n_acked} acknowledged writes verified after every restart "
              f"({len(acks.persons)} persons, {len(acks.apps)} applications, {len(acks.decisions)} decisions, "
              f"{len(acks.payments)} payments, {len(acks.closes)} closes), {len(acks.unknown)} cut off; "
              f"answers {statuses}; {time.time() - t0:.1f}s", flush=True)
    if args.keep or (failed and not (args.inject_loss and caught)):
        print(f"crash: the database is kept in {s.dir}", flush=True)
    else:
        shutil.rmtree(s.dir, ignore_errors=True)
    if args.inject_loss:
        # The self-test passes when the checks saw the loss it made (and so failed).
        print(f"crash: self-test: the deleted application {injected} was "
              f"{'reported' if caught else 'NOT reported'} as lost", flush=True)
        return 0 if caught else 1
    print(f"crash: {passed} passed, {failed} failed", flush=True)
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
