"""E-mail notices (issue 17) against a real SMTP server started by the test
(aiosmtpd): every kind of notice reaches the right recipients and holds no
identity data; an outage of the mail server, and a kill -9 of nsp between
the commit and the send, still deliver every notice exactly once.

Recipients: the organisation's contact e-mail and its users who chose notices
on /me; the coordinators who chose them get the daily digest."""
import datetime
import email
import email.policy
import logging
import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

try:
    from aiosmtpd.controller import Controller
except ImportError:      # Debian's python3-aiosmtpd, under another Python
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller

from harness import API, Server, World, expect, expect_ok, run_nsp, today

# aiosmtpd logs a refused TLS handshake with its traceback: the test looks at the outcome instead.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

CANARY = "Kanarie-Ingrid-Åström-5521"
FROM = "nsp@stodprogrammet.example"


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


class Mailbox:
    """A real SMTP server on a loopback port; keeps every message it accepted (after its 250).
    With tls_context it offers STARTTLS and refuses mail without it."""

    def __init__(self, port, tls_context=None):
        self.port = port
        self.messages = []
        self.lock = threading.Lock()
        extra = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
        self.controller = Controller(self, hostname="127.0.0.1", port=port, **extra)

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.tls = session.ssl is not None
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.mail_from, tuple(envelope.rcpt_tos), msg))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def all(self):
        with self.lock:
            return list(self.messages)


def wait_for(what, pred, timeout=60):
    """Polls pred() until it is true (the condition, not a fixed time); fails after timeout."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def outbox(s, token, pending=False):
    return expect_ok(s.get(f"{API}/outbox" + ("?pending=1" if pending else ""), token=token), 200)["notices"]


def body_text(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def pdf_of(msg):
    for part in msg.iter_attachments():
        if part.get_content_type() == "application/pdf":
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(part.get_content())
                f.flush()
                return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                      check=True).stdout.decode()
    return None


def setup_org(w, s, name, contact):
    org = w.org(name)
    if contact:
        expect_ok(s.put(f"{API}/organisations/{org}/contact-email", {"contact_email": contact}, token=w.coord), 200)
    return org


def opt_in(s, token, address, notify=True):
    return expect_ok(s.put(f"{API}/me/notices", {"email": address, "notify": notify}, token=token), 200)


def test_addresses_refused_and_allowed_by_role():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        _, funder = w.user("funder")
        expect(s.put(f"{API}/organisations/{org}/contact-email", {"contact_email": "inte en adress"},
                     token=w.coord), 400, field="contact_email")
        expect(s.put(f"{API}/organisations/{org}/contact-email", {"contact_email": "a@b.se\r\nBcc: x@y.se"},
                     token=w.coord), 400, field="contact_email")
        expect(s.put(f"{API}/organisations/{org}/contact-email", {"contact_email": "kontakt@org.example"},
                     token=cw), 403)
        expect(s.put(f"{API}/organisations/999/contact-email", {"contact_email": "k@org.example"},
                     token=w.coord), 404)
        got = expect_ok(s.put(f"{API}/organisations/{org}/contact-email", {"contact_email": "kontakt@org.example"},
                              token=w.coord), 200)
        assert got["contact_email"] == "kontakt@org.example", got
        assert expect_ok(s.get(f"{API}/organisations/{org}", token=cw), 200)["contact_email"] == "kontakt@org.example"
        expect(s.put(f"{API}/me/notices", {"notify": True}, token=cw), 400, field="email")
        expect(s.put(f"{API}/me/notices", {"email": "x", "notify": True}, token=cw), 400, field="email")
        expect(s.put(f"{API}/me/notices", {"email": "f@jamst.example", "notify": True}, token=funder), 403)
        assert opt_in(s, cw, "cw@org.example") == {"email": "cw@org.example", "notify": True}
        me = expect_ok(s.get(f"{API}/me", token=cw), 200)
        assert me["notices"] == {"email": "cw@org.example", "notify": True}, me
        expect(s.get(f"{API}/outbox", token=cw), 403)


def test_without_smtp_the_outbox_is_kept_and_shown_to_the_coordinator():
    with Server() as s:
        w = World(s)
        org = setup_org(w, s, "Kvarhållet", "kontakt@kvar.example")
        p = w.admitted(org)
        notices = outbox(s, w.coord)
        assert [(n["kind"], n["recipient"], n["sent_at"]) for n in notices] == \
            [("decision", "kontakt@kvar.example", None)], notices
        assert p["code"] in notices[0]["subject"], notices
        listed = expect_ok(s.get(f"{API}/outbox", token=w.coord), 200)
        assert listed["sending"] is False, listed
        s.stop()
        r = run_nsp("outbox", "list", "--db", s.db)
        assert r.returncode == 0 and "decision\tkontakt@kvar.example" in r.stdout and "väntar" in r.stdout, r
        r = run_nsp("outbox", "retry", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "1 notices will be tried again now" in r.stdout, r
        assert run_nsp("outbox", "list", "--db", s.db, "--pending").stdout.count("\n") == 1
        assert run_nsp("outbox", "frobnicate", "--db", s.db).returncode == 2


def test_every_kind_of_notice_reaches_its_recipients_without_identity_data():
    port = free_port()
    start = today()     # the server's day (Europe/Stockholm, under the sweep's clock too)
    day = lambda n: (start + datetime.timedelta(days=n)).isoformat()
    with Mailbox(port) as box, Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM,
                                                  "--public-url", "https://nsp.example")) as s:
        w = World(s)
        expect_ok(s.put(f"{API}/certification/settings", {"recertification_months": 1}, token=w.coord), 200)
        org_a = setup_org(w, s, "Boendet Ängen", "kontakt@angen.example")
        w.certify(org_a, "certified", day(-10))          # renewed: due a month later, within 90 days
        org_b = setup_org(w, s, "Annat boende", "kontakt@annat.example")
        w.certify(org_b, "certified", day(-10))
        _, a1 = w.user("caseworker", org_a)
        _, a2 = w.user("caseworker", org_a)
        opt_in(s, a1, "handlaggare1@angen.example")
        opt_in(s, a2, "handlaggare2@angen.example", notify=False)      # has an address, chose none
        opt_in(s, w.coord, "samordnare@nsp.example")

        # decisions: a notice each to org A's contact and its caseworker who chose them
        p = w.person(org_a, identity={"name": CANARY, "phone": "070-7654321"})
        w.admit(p["id"], day(-27))
        dec = w.grant(p["id"], "reflection", day(-26), **{"from": day(-26), "to": day(3)})   # ends in 3 days
        q = w.admitted(org_a, on=day(-1))
        waiting = w.application(q["id"], "reflection", submitted_on=day(0), **{"from": day(0), "to": day(9)})
        wait_for("the decision notices", lambda: len(box.all()) == 6 and not outbox(s, w.coord, pending=True))
        got = {(m[1], m[2]["X-NSP-Notice"], m[2]["Subject"]) for m in box.all()}
        assert {(r, k) for r, k, _ in got} == {(("kontakt@angen.example",), "decision"),
                                              (("handlaggare1@angen.example",), "decision")}, got
        letters = [m for m in box.all() if f"{dec['id']} " in m[2]["Subject"] or m[2]["Subject"].endswith(p["code"])]
        for _, rcpt, msg in box.all():
            assert msg["From"].addresses[0].addr_spec == FROM, msg["From"]
            text = body_text(msg)
            assert CANARY not in text and "070-7654321" not in text and CANARY not in str(msg["Subject"]), text
            assert "https://nsp.example/decisions/" in text, text
            pdf = pdf_of(msg)
            assert pdf is not None and CANARY not in pdf, rcpt
        refl = [m for m in box.all() if p["code"] in m[2]["Subject"] and "Reflektionsperiod" in body_text(m[2])]
        assert len(refl) == 2, [m[2]["Subject"] for m in box.all()]
        pdf = pdf_of(refl[0][2])
        assert p["code"] in pdf and "(30 dygn)" in pdf and "39 600 kr" in pdf, pdf
        assert letters

        # what is found by looking (at start, then hourly): a restart looks now
        s.stop()
        s.start()
        expected = {
            ("kontakt@angen.example", "period_ending"), ("handlaggare1@angen.example", "period_ending"),
            ("kontakt@angen.example", "recertification_due"), ("handlaggare1@angen.example", "recertification_due"),
            ("kontakt@annat.example", "recertification_due"), ("samordnare@nsp.example", "digest"),
        }
        wait_for("the notices found by looking", lambda: len(box.all()) == 6 + len(expected))
        wait_for("the marks of the notices sent", lambda: not outbox(s, w.coord, pending=True))
        later = box.all()[6:]
        assert {(m[1][0], m[2]["X-NSP-Notice"]) for m in later} == expected, later
        for _, rcpt, msg in later:
            text = body_text(msg)
            assert CANARY not in text and pdf_of(msg) is None, text
            if msg["X-NSP-Notice"] == "period_ending":
                assert p["code"] in text and day(3) in text and f"/decisions/{dec['id']}" in text, text
            if msg["X-NSP-Notice"] == "digest":
                assert q["code"] in text and f"https://nsp.example/applications/{waiting['id']}" in text, text
            if msg["X-NSP-Notice"] == "recertification_due":
                assert ("Boendet Ängen" in text) == (rcpt[0] != "kontakt@annat.example"), text
        # looking again finds nothing new: each fact is announced once (the scan at start
        # comes before the first delivery; a new decision's notice is delivered after it)
        s.stop()
        s.start()
        w.admitted(org_b)
        wait_for("the new decision's notice", lambda: len(box.all()) >= 13 and not outbox(s, w.coord, pending=True))
        assert len(outbox(s, w.coord)) == len(box.all()) == 13


def count_by_message_id(box):
    ids = [m[2]["Message-ID"] for m in box.all()]
    return {i: ids.count(i) for i in ids}


def test_an_outage_of_the_mail_server_delays_but_loses_and_repeats_nothing():
    port = free_port()
    with Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM)) as s:
        w = World(s)
        org = setup_org(w, s, "Avbrottet", "kontakt@avbrott.example")
        _, cw = w.user("caseworker", org)
        opt_in(s, cw, "cw@avbrott.example")
        for _ in range(3):
            w.admitted(org)
        # the server is down: every notice is tried and fails, then tried again later
        wait_for("failed attempts", lambda: all(n["attempts"] >= 2 and n["last_error"]
                                                for n in outbox(s, w.coord)) and len(outbox(s, w.coord)) == 6)
        with Mailbox(port) as box:
            wait_for("delivery after the outage", lambda: not outbox(s, w.coord, pending=True), timeout=90)
            counts = count_by_message_id(box)
            assert len(counts) == 6 and set(counts.values()) == {1}, counts


def test_a_kill_between_commit_and_send_delivers_after_the_restart_exactly_once():
    port = free_port()
    with Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM)) as s:
        w = World(s)
        org = setup_org(w, s, "Omstarten", "kontakt@omstart.example")
        p = w.admitted(org)
        d = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-10"})
        # committed with their decisions, not sent (nothing listens yet): kill -9
        assert len(outbox(s, w.coord, pending=True)) == 2
        assert s.stop(signal.SIGKILL) == -signal.SIGKILL
        with Mailbox(port) as box:
            s.start()
            wait_for("delivery after the restart", lambda: not outbox(s, w.coord, pending=True))
            # the two decisions', and the overdue recertification the restart's scan found
            kinds = sorted(n["kind"] for n in outbox(s, w.coord))
            assert kinds == ["decision", "decision", "recertification_due"], kinds
            counts = count_by_message_id(box)
            assert len(counts) == 3 and set(counts.values()) == {1}, counts
            subjects = sorted(str(m[2]["Subject"]) for m in box.all())
            assert any(f"nr {d['id']} " in x for x in subjects), subjects
            # and a second kill after delivery sends nothing again: a new decision's notice
            # comes through alone (the sender sends in order of due time)
            s.stop(signal.SIGKILL)
            s.start()
            w.admitted(org)
            wait_for("the new decision's notice", lambda: len(box.all()) >= 4 and not outbox(s, w.coord, pending=True))
            assert len(box.all()) == 4 and set(count_by_message_id(box).values()) == {1}, box.all()


def test_starttls_when_the_mail_server_offers_it():
    """The mail server offers STARTTLS and refuses mail without it: nsp upgrades the connection,
    verifying the server's certificate against --smtp-ca (its private CA)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        # valid from 2020 to 2045, so that it is valid on every day the tests may run (scripts/check-dates)
        subprocess.run(["faketime", "2020-01-01 00:00:00", "openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "9000", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        with Mailbox(port, tls_context=ctx) as box, \
                Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM,
                                   "--smtp-ca", cert)) as s:
            w = World(s)
            org = setup_org(w, s, "Krypterat", "kontakt@krypterat.example")
            w.admitted(org)
            wait_for("the notice over TLS", lambda: box.all() and not outbox(s, w.coord, pending=True))
            assert box.tls is True and len(box.all()) == 1, box.all()
        # without the CA the certificate is not trusted: nothing is sent, the error is kept
        port = free_port()      # a port of its own: the first server's may linger in TIME_WAIT
        with Mailbox(port, tls_context=ctx) as box, \
                Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM)) as s:
            w = World(s)
            org = setup_org(w, s, "Obetrott", "kontakt@obetrott.example")
            w.admitted(org)
            wait_for("a failed attempt", lambda: any(n["attempts"] >= 1 for n in outbox(s, w.coord)))
            n = outbox(s, w.coord)[0]
            assert n["sent_at"] is None and n["last_error"], n
            assert box.all() == [], box.all()


def test_a_claim_approved_or_rejected_is_announced_with_its_letter_and_claims_waiting_are_in_the_digest():
    port = free_port()
    reason_canary = "Kanarie-Skäl-Bo-9913"
    with Mailbox(port) as box, Server(serve_args=("--smtp", f"smtp://127.0.0.1:{port}", "--mail-from", FROM,
                                                  "--public-url", "https://nsp.example")) as s:
        w = World(s)
        org = setup_org(w, s, "Rekvisitionshemmet", "kontakt@rekv.example")
        _, cw = w.user("caseworker", org)
        opt_in(s, cw, "cw@rekv.example")
        opt_in(s, w.coord, "samordnare@nsp.example")
        p = w.person(org, identity={"name": CANARY, "phone": "070-7654321"})
        w.admit(p["id"], "2024-02-01")
        kid = w.child(p["id"], org_id=org)
        dec = w.grant(p["id"], "reflection", "2024-03-01", children=[kid["id"]],
                      **{"from": "2024-03-01", "to": "2024-03-30"})
        wait_for("the decisions' notices", lambda: len(box.all()) == 4 and not outbox(s, w.coord, pending=True))

        def claim(days, ref):
            return expect_ok(s.post(API + "/claims", {"decision_id": dec["id"], "reference": ref,
                                                      "submitted_on": "2024-03-31", **days}, token=cw))
        paid = claim({"from": "2024-03-01", "to": "2024-03-07"}, "Faktura 71")
        rej = claim({"from": "2024-03-08", "to": "2024-03-10"}, "Faktura 72")
        waiting = claim({"from": "2024-03-11", "to": "2024-03-12"}, "Faktura 73")
        # a claim submitted is announced to nobody: it waits in the coordinators' digest
        expect_ok(s.post(f"{API}/claims/{paid['id']}/approve", {"paid_on": "2024-04-02"}, token=w.coord), 200)
        expect_ok(s.post(f"{API}/claims/{rej['id']}/reject", {"reason": reason_canary}, token=w.coord), 200)
        wait_for("the claims' notices", lambda: len(box.all()) == 8 and not outbox(s, w.coord, pending=True))
        claims = [m for m in box.all() if m[2]["X-NSP-Notice"] == "claim"]
        assert sorted(m[1][0] for m in claims) == ["cw@rekv.example", "cw@rekv.example", "kontakt@rekv.example",
                                                   "kontakt@rekv.example"], claims
        for _, rcpt, msg in claims:
            text, pdf, subject = body_text(msg), pdf_of(msg), str(msg["Subject"])
            for leak in (CANARY, "070-7654321", reason_canary):
                assert leak not in text and leak not in subject and leak not in pdf, (rcpt, text, pdf)
            assert p["code"] in text and p["code"] in subject and p["code"] in pdf, (text, pdf)
            assert f"https://nsp.example/decisions/{dec['id']}" in text, text
            flat = " ".join(pdf.split())
            if f"nr {paid['id']} " in subject:
                assert "är godkänd och utbetald" in subject and "12 740 kr" in text and "Faktura 71" in text, text
                assert f"Rekvisition nr {paid['id']}" in flat and "Utbetald" in flat, flat
                assert "Barntillägg reflektionsperiod 7 3 500 kr" in flat, flat
            else:
                assert f"nr {rej['id']} " in subject and "är avslagen" in subject, subject
                assert "Avslagen" in text and "Skälet står vid rekvisitionen i NSP" in text, text
                assert "Avslagen" in flat and "Skälet står vid rekvisitionen i NSP" in flat, flat
        # the coordinator's outbox names the kind in words
        page = s.get("/outbox", token=w.coord).text
        assert "<td>Rekvisition</td>" in page and "outbox.kind" not in page, page
        # the letters read for the mails are audited as the system's
        s.stop()
        with sqlite3.connect(f"file:{s.db}?mode=ro", uri=True) as con:
            n = con.execute("SELECT count(*) FROM audit WHERE action = 'claim.letter'"
                            " AND detail LIKE '% mail notice=%'").fetchone()[0]
        assert n == 4, n
        # the scan at the start finds the claim waiting: the coordinators' digest lists it
        s.start()
        wait_for("the digest", lambda: any(m[2]["X-NSP-Notice"] == "digest" for m in box.all()))
        digest = [m for m in box.all() if m[2]["X-NSP-Notice"] == "digest"]
        assert [m[1][0] for m in digest] == ["samordnare@nsp.example"], digest
        text = body_text(digest[0][2])
        assert "1 rekvisitioner väntar på beslut" in str(digest[0][2]["Subject"]), digest[0][2]["Subject"]
        assert p["code"] in text and "3 640 kr" in text and "Rekvisitioner som väntar på beslut" in text, text
        assert f"https://nsp.example/claims#claim-{waiting['id']}" in text, text
        assert "Ansökningar som väntar" not in text and CANARY not in text, text
        for m in box.all():
            assert reason_canary not in str(m[2]), "the reason of a rejection is never mailed"
