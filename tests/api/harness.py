"""A small harness for the API tests: starts the real `nsp serve` on a fresh
temporary database and a free port, and speaks HTTP to it with urllib.

Every test is a function named test_* taking no arguments; run.py collects
them from the tests/api/test_*.py modules and prints 'N passed, N failed'.
The nsp binary is NSP_BIN (run.py sets it from --nsp).

Besides the Server, this module holds the vocabulary the tests share:
`expect` / `expect_rule` for answers, and `World`, which builds the usual
cast (organisations, users, persons, admissions, decisions) in a few calls.
"""
import base64
import datetime
import hashlib
import hmac
import json
import struct
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zoneinfo

COORD_PASSWORD = "samordnare-lösen-1"
USER_PASSWORD = "ett-långt-lösenord-1"
API = "/api/v1"

# The newest schema (src/store/store.h, DB_SCHEMA_VERSION): an upgraded database ends there.
SCHEMA_VERSION = 14

# Migration 14 (random ids, the order of registration) turned back, for the tests that
# make a database of an older schema: they turn the newest migrations back first.
UNDO_MIGRATION_14 = """
    DROP INDEX persons_seq; DROP INDEX persons_org; ALTER TABLE persons DROP COLUMN seq;
    CREATE INDEX persons_org ON persons(organisation_id);
    DROP INDEX applications_seq; DROP INDEX applications_org; ALTER TABLE applications DROP COLUMN seq;
    DROP INDEX decisions_seq; DROP INDEX decisions_org; ALTER TABLE decisions DROP COLUMN seq;
    CREATE INDEX decisions_org ON decisions(organisation_id);
    DROP INDEX claims_seq; DROP INDEX claims_status; DROP INDEX claims_org; ALTER TABLE claims DROP COLUMN seq;
    CREATE INDEX claims_status ON claims(status, id); CREATE INDEX claims_org ON claims(organisation_id, id);
    DROP INDEX payments_seq; ALTER TABLE payments DROP COLUMN seq;
    DROP INDEX contacts_seq; ALTER TABLE contacts DROP COLUMN seq;
    DROP INDEX placement_requests_seq; ALTER TABLE placement_requests DROP COLUMN seq;
    PRAGMA user_version = 13;"""


def nsp_bin():
    """The nsp executable under test."""
    b = os.environ.get("NSP_BIN")
    if not b:
        here = os.path.dirname(os.path.abspath(__file__))
        b = os.path.join(here, "..", "..", "build", "nsp")
    return os.path.abspath(b)


# ---------------------------------------------------------------- the second factor (RFC 6238)

TOTP_STEP = 30


def totp(secret_b32, step):
    """The 6-digit TOTP code of a base32 secret at time step `step` (HMAC-SHA1, RFC 6238/4226)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def totp_now_step():
    return int(clock()) // TOTP_STEP


class Authenticator:
    """What a user's phone knows: the secret, and (as the server does) the last time
    step whose code was used, because nsp accepts each step's code only once. A code
    is taken from the steps now-1 .. now+1 that the server accepts; when all three are
    used, it waits for the next step."""

    def __init__(self, secret):
        self.secret = secret
        self.last = -1
        self.lock = threading.Lock()

    def code(self):
        with self.lock:
            while True:
                now = totp_now_step()
                for step in (now - 1, now, now + 1):
                    # now-1 only early in the step: it must still be valid when the request arrives
                    if step > self.last and (step >= now or clock() % TOTP_STEP < 20):
                        self.last = step
                        return totp(self.secret, step)
                time.sleep(TOTP_STEP - clock() % TOTP_STEP + 0.05)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<{self.status} {self.body[:400]!r}>"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Server:
    """One nsp server on its own database. Use as a context manager."""

    def __init__(self, nsp=None, extra_env=None, serve_args=(), ssl_context=None):
        self.nsp = os.path.abspath(nsp or nsp_bin())
        self.dir = tempfile.mkdtemp(prefix="nsp-api-")
        self.db = os.path.join(self.dir, "test.db")
        self.env = nsp_env(dict(os.environ, NSP_PASSWORD=COORD_PASSWORD, **(extra_env or {})))
        self.serve_args = tuple(serve_args)
        self.proc = None
        self.base = None
        self.port = None
        self.phones = {}          # username -> Authenticator (second factors enrolled by login())
        # Never through a proxy: the server is on the loopback interface. Over HTTPS
        # (nsp serve --tls-cert), ssl_context trusts the test's own certificate.
        handlers = [urllib.request.ProxyHandler({}), NoRedirect]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self.opener = urllib.request.build_opener(*handlers)

    def init(self):
        subprocess.run([self.nsp, "init", "--db", self.db, "--coordinator", "samordnare"],
                       env=self.env, check=True, capture_output=True)

    def start(self, *args):
        args = args or self.serve_args
        self.proc = subprocess.Popen([self.nsp, "serve", "--db", self.db, "--listen", "127.0.0.1:0", *args],
                                     env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Drain standard error all along: a full pipe would stall the server, and
        # what it says (sanitizer reports above all) is checked at the stop.
        self.stderr_lines = []
        proc = self.proc
        drain = threading.Thread(target=lambda: self.stderr_lines.extend(iter(proc.stderr.readline, b"")),
                                 daemon=True)
        drain.start()
        self._drain = drain
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            m = re.search(r"(https?)://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(2))
                self.base = f"{m.group(1)}://127.0.0.1:{self.port}"
                return self
        self.proc.wait(timeout=10)
        drain.join(5)
        raise RuntimeError("nsp serve did not start: " + self.stderr_text())

    def stderr_text(self):
        return b"".join(getattr(self, "stderr_lines", [])).decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server with sig; returns its exit status. Raises when the
        server reported a sanitizer error (AddressSanitizer, LeakSanitizer,
        UndefinedBehaviorSanitizer) while it ran."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        if self.proc:
            self._drain.join(10)
            for f in (self.proc.stdout, self.proc.stderr):
                if f:
                    f.close()
        self.proc = None
        err = self.stderr_text()
        if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer", err):
            raise AssertionError("the server reported a sanitizer error:\n" + err[-6000:])
        return code

    def __enter__(self):
        self.init()
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()   # raises on a sanitizer report; the exit status is test_sessions' business
        finally:
            for root, dirs, files in os.walk(self.dir, topdown=False):
                for f in files:
                    os.unlink(os.path.join(root, f))
                for d in dirs:
                    os.rmdir(os.path.join(root, d))
            os.rmdir(self.dir)

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None and raw is None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with self.opener.open(req, timeout=30) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, body=None, token=None, **kw):
        return self.request("POST", path, body, token=token, **kw)

    def put(self, path, body=None, token=None, **kw):
        return self.request("PUT", path, body, token=token, **kw)

    def login(self, username, password):
        """Logs in with the password and, as nsp requires of coordinators and
        caseworkers, a second factor: the first login of such a user enrols one
        (its phone is kept in self.phones), later ones answer the code step."""
        r = self.post(API + "/login", {"username": username, "password": password})
        assert r.status == 200, r
        if r.json.get("second_factor_required"):
            phone = self.phones[username]
            r = self.post(API + "/login/totp", {"challenge": r.json["challenge"], "code": phone.code()})
            assert r.status == 200, r
            return r.json["token"]
        token = r.json["token"]
        if r.json["user"]["role"] in ("coordinator", "caseworker"):
            self.enrol(username, token)
        return token

    def enrol(self, username, token):
        """Enrols a second factor for the logged-in user; returns the recovery codes."""
        r = self.post(API + "/me/totp", token=token)
        assert r.status == 200, r
        phone = Authenticator(r.json["secret"])
        r = self.post(API + "/me/totp/confirm", {"code": phone.code()}, token=token)
        assert r.status == 200, r
        self.phones[username] = phone
        return r.json["recovery_codes"]

    def raw_exchange(self, head, body=b"", timeout=20):
        """Sends raw bytes (a request head, then its body) over a fresh connection
        and returns (status, head text, body bytes) of the answer. The body is
        sent from a second thread while the answer is read, so that a server
        that refuses on the headers alone (413) and closes is seen answering."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

        def send_body():
            try:
                sock.sendall(body)
            except OSError:
                pass    # the server stopped reading: its answer says why

        sender = threading.Thread(target=send_body, daemon=True)
        data = b""
        try:
            sock.sendall(head)
            sender.start()
            while True:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                data += chunk
                head_part, sep, rest = data.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)content-length:\s*(\d+)", head_part)
                if sep and m and len(rest) >= int(m.group(1)):
                    break
        finally:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
            if sender.is_alive():
                sender.join(timeout)
        head_part, _, rest = data.partition(b"\r\n\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head_part)
        assert m, f"no HTTP answer: {data[:200]!r}"
        return int(m.group(1)), head_part.decode("latin-1"), rest


# ---------------------------------------------------------------- assertions

def expect(resp, status, code=None, rule=None, field=None):
    """Asserts the status (and error code/rule/field) of a response; returns its JSON or None."""
    assert resp.status == status, f"expected {status}, got {resp!r}"
    if code or rule or field:
        err = resp.json["error"]
        if code:
            assert err["code"] == code, f"expected code {code}, got {err}"
        if rule:
            assert err.get("rule") == rule, f"expected rule {rule}, got {err}"
            assert err.get("message_sv") and err.get("message_en"), err
        if field:
            assert err.get("field") == field, f"expected field {field}, got {err}"
    ctype = resp.headers.get("Content-Type", "") if resp.headers else ""
    if resp.body and ctype.startswith("application/json"):
        return resp.json
    return None


def expect_rule(resp, rule, *needles):
    """Asserts a 422 refusal by `rule` with a Swedish and an English message that
    differ, both naming the rule, and each containing every needle (numbers,
    dates). Returns the error object."""
    expect(resp, 422, code="rule", rule=rule)
    err = resp.json["error"]
    sv, en = err["message_sv"], err["message_en"]
    assert sv != en, f"the Swedish and English messages are the same: {err}"
    for msg in (sv, en):
        assert rule in msg, f"message does not name {rule}: {msg!r}"
        for n in needles:
            assert str(n) in msg, f"message lacks {n!r}: {msg!r}"
    return err


def expect_ok(resp, status=201):
    """Asserts success and returns the JSON."""
    assert resp.status == status, f"expected {status}, got {resp!r}"
    return resp.json


# ---------------------------------------------------------------- dates

def d(s):
    return datetime.date.fromisoformat(s)


def iso(day):
    return day.isoformat()


PROGRAMME_ZONE = zoneinfo.ZoneInfo("Europe/Stockholm")

# scripts/check-dates runs the suites on other days: NSP_TEST_FAKETIME is libfaketime's
# offset ("+N" seconds) for every nsp process the tests start (nsp_env), and the tests'
# own clock (clock, today) adds the same N. Python itself is not run under libfaketime
# (its sleeps fail there with EINVAL).
FAKETIME = os.environ.get("NSP_TEST_FAKETIME", "")
FAKE_OFFSET = int(FAKETIME) if FAKETIME else 0


def nsp_env(env):
    """env for an nsp process, under the sweep's clock when there is one."""
    if FAKETIME:
        env = dict(env, LD_PRELOAD=os.environ["NSP_TEST_FAKETIME_LIB"], FAKETIME=FAKETIME)
    return env


def clock():
    """Unix seconds as the server sees them."""
    return time.time() + FAKE_OFFSET


def today():
    """Today as the server counts it: the calendar day in Europe/Stockholm (README: "Today")."""
    return datetime.datetime.fromtimestamp(clock(), PROGRAMME_ZONE).date()


def plus(s, n):
    """The day n days after ISO date s, as ISO text."""
    return iso(d(s) + datetime.timedelta(days=n))


def period(start, days):
    """(from, to) of a period of `days` calendar days starting on `start`."""
    return start, plus(start, days - 1)


def span_days(start, days):
    """{"from","to"} of a period of `days` calendar days starting on `start`."""
    f, t = period(start, days)
    return {"from": f, "to": t}


# ---------------------------------------------------------------- the cast

NO_ACTOR = {"kind": "no_designated_actor"}
# The minimum requirements of the default checklist (migration 2), all met.
MET = {"knowledge_of_trafficking": True, "threat_and_risk_routines": True, "security_routines": True,
       "support_matches_rights": True}


class World:
    """Builds what the tests need through the API itself, as the coordinator
    unless a token is given. Every call asserts its own success."""

    # The years the tests write in, and the years around today (tests decide "today" too,
    # and must on any day: scripts/check-dates).
    FIXED_YEARS = (2023, 2024, 2025, 2026)

    def __init__(self, s, budget_years=None, budget_ore=10 ** 11):
        self.s = s
        self.coord = s.login("samordnare", COORD_PASSWORD)
        self.n = 0
        if budget_years is None:
            t = today().year
            budget_years = sorted(set(self.FIXED_YEARS) | {t - 1, t, t + 1})
        for y in budget_years:
            self.year(y, budget_ore)

    def uniq(self, prefix):
        self.n += 1
        return f"{prefix}{self.n}"

    def year(self, year, budget_ore=None, rates=None, point_rates=None):
        body = {}
        if budget_ore is not None:
            body["budget_ore"] = budget_ore
        if rates:
            body["rates_ore"] = rates
        if point_rates:
            body["point_rates"] = point_rates
        return expect_ok(self.s.put(f"{API}/years/{year}", body, token=self.coord), 200)

    def org(self, name=None, certified_on="2023-01-01", kind="protected_housing", regions=("Stockholm",)):
        o = expect_ok(self.s.post(API + "/organisations",
                                  {"name": name or self.uniq("Organisation "), "kind": kind,
                                   "regions": list(regions)}, token=self.coord))
        if certified_on:
            # the certification machine: a certification process comes first (domain/certification.h)
            self.certify(o["id"], "in_process", certified_on)
            self.certify(o["id"], "certified", certified_on)
        return o["id"]

    def certify(self, org_id, status, date, requirements=None):
        """Records a certification event with every item of the default checklist met."""
        return expect_ok(self.s.post(f"{API}/organisations/{org_id}/certification",
                                     {"status": status, "date": date,
                                      "requirements": requirements if requirements is not None else MET},
                                     token=self.coord))

    def user(self, role, org_id=None, username=None):
        """Creates a user and logs in; returns (user id, token)."""
        username = username or self.uniq(role)
        body = {"username": username, "password": USER_PASSWORD, "role": role}
        if org_id:
            body["organisation_id"] = org_id
        u = expect_ok(self.s.post(API + "/users", body, token=self.coord))
        return u["id"], self.s.login(username, USER_PASSWORD)

    def person(self, org_id=None, token=None, **fields):
        """Registers an adult (or whatever fields say) for org_id. Returns the JSON."""
        body = {"gender": "female", "age_group": "adult", "exploitation_forms": ["sexual_exploitation"],
                "referral_source": "police", "legal_status": "reflection_permit", "sweden_responsible": True}
        body.update(fields)
        if token is None:
            token = self.coord
            body.setdefault("organisation_id", org_id)
        elif org_id is not None:
            body.setdefault("organisation_id", org_id)
        return expect_ok(self.s.post(API + "/persons", body, token=token))

    def child(self, parent_id, role="secondary", org_id=None, token=None, **fields):
        base = {"gender": "female", "age_group": "child", "parent_id": parent_id,
                "child_role": role, "exploitation_forms": ["other_crime"], "referral_source": "police",
                "legal_status": "reflection_permit"}
        base.update(fields)
        return self.person(org_id=org_id, token=token, **base)

    def apply(self, person_id, type_, token=None, **fields):
        """POSTs an application and returns the Response (not asserted)."""
        body = {"person_id": person_id, "type": type_, "basis": NO_ACTOR}
        if type_ == "admission":
            body.update({"identified": True, "needs_assessment": "Behöver skyddat boende."})
        if type_ in ("extended",):
            body.update({"plan": "Genomförandeplan.", "evaluation": "Utvärdering av månaden."})
        if type_ == "integration_housing":
            body.update({"plan": "Utslussningsfas mot eget boende och arbete."})
        body.update(fields)
        for k in [k for k, v in body.items() if v is None]:
            del body[k]
        return self.s.post(API + "/applications", body, token=token or self.coord)

    def application(self, person_id, type_, token=None, **fields):
        return expect_ok(self.apply(person_id, type_, token=token, **fields))

    def decide(self, app_id, outcome="granted", **fields):
        body = {"outcome": outcome}
        if outcome != "granted":
            body["reason"] = "Skäl."
        body.update(fields)
        return self.s.post(f"{API}/applications/{app_id}/decision", body, token=self.coord)

    def grant(self, person_id, type_, on, token=None, decided_on=None, **fields):
        """Applies (submitted on `on`) and grants in full; returns the decision JSON."""
        a = self.application(person_id, type_, token=token, submitted_on=on, **fields)
        return expect_ok(self.decide(a["id"], decided_on=decided_on or on))

    def admit(self, person_id, on="2024-02-01", token=None):
        return self.grant(person_id, "admission", on, token=token)

    def admitted(self, org_id, on="2024-02-01", **fields):
        """A new adult of org_id admitted on `on`; returns the person JSON."""
        p = self.person(org_id, **fields)
        self.admit(p["id"], on)
        return p

    def pay(self, decision_id, amount_ore, paid_on, token=None):
        return self.s.post(API + "/payments", {"decision_id": decision_id, "amount_ore": amount_ore,
                                               "paid_on": paid_on, "reference": "Rekv-1"},
                           token=token or self.coord)

    def budget(self, year, token=None):
        return expect_ok(self.s.get(f"{API}/years/{year}/budget", token=token or self.coord), 200)


def run_nsp(*args, env=None, input=None, timeout=60):
    """Runs the nsp binary; returns the CompletedProcess (text mode)."""
    e = nsp_env(dict(os.environ))
    e.update(env or {})
    return subprocess.run([nsp_bin(), *args], env=e, input=input, capture_output=True, text=True,
                          timeout=timeout)
