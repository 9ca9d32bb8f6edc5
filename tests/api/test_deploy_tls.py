"""HTTPS in nsp serve (issue 18): --tls-cert/--tls-key with a certificate the
test makes with openssl, TLS 1.2+ with AEAD ciphers only, Secure cookies and
HSTS, a certificate reloaded on SIGHUP, and --redirect-listen that only
redirects plain HTTP to HTTPS."""
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from harness import API, COORD_PASSWORD, Server, expect, nsp_bin


def make_cert(folder, name, cn="localhost", kind="ec"):
    """A self-signed certificate for localhost and 127.0.0.1 (valid from now for
    two days) and its key, written as NAME.crt and NAME.key; returns the paths."""
    crt, key = os.path.join(folder, name + ".crt"), os.path.join(folder, name + ".key")
    algo = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] if kind == "ec" else \
        ["-newkey", "rsa:2048"]
    subprocess.run(["openssl", "req", "-x509", *algo, "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                    "-subj", "/CN=" + cn, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return crt, key


def der_of(crt):
    with open(crt) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = True
    return ctx


class TlsServer(Server):
    """harness.Server over HTTPS with a fresh certificate in its own folder."""

    def __init__(self, extra_args=(), kind="ec"):
        self.certdir = tempfile.mkdtemp(prefix="nsp-tls-")
        self.crt, self.key = make_cert(self.certdir, "server", kind=kind)
        super().__init__(serve_args=("--tls-cert", self.crt, "--tls-key", self.key, *extra_args),
                         ssl_context=context(self.crt))

    def __exit__(self, *exc):
        try:
            super().__exit__(*exc)
        finally:
            for f in os.listdir(self.certdir):
                os.unlink(os.path.join(self.certdir, f))
            os.rmdir(self.certdir)

    def peer_cert(self, ctx=None):
        """The DER certificate the server presents to a new connection."""
        ctx = ctx or ssl.create_default_context(cafile=None)
        if ctx.verify_mode != ssl.CERT_NONE:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as t:
                return t.getpeercert(binary_form=True)

    def wait_stderr(self, text):
        deadline = time.time() + 10
        while text not in self.stderr_text():
            assert time.time() < deadline, f"{text!r} not on stderr:\n{self.stderr_text()[-2000:]}"
            time.sleep(0.02)


def test_login_over_tls_gives_a_secure_cookie_and_hsts_curl():
    """The done-when of issue 18: a login over TLS (curl --cacert) with a Secure cookie."""
    with TlsServer() as s:
        assert s.base.startswith("https://"), s.base
        out = subprocess.run(
            ["curl", "-sS", "-i", "--noproxy", "*", "--cacert", s.crt, "-H", "Content-Type: application/json",
             "--data-binary", '{"username":"samordnare","password":"%s"}' % COORD_PASSWORD,
             f"https://localhost:{s.port}{API}/login"],
            capture_output=True, timeout=30)
        assert out.returncode == 0, out.stderr
        head = out.stdout.decode("utf-8", "replace").split("\r\n\r\n", 1)[0]
        assert head.startswith("HTTP/1.1 200"), head
        cookie = [h for h in head.split("\r\n") if h.lower().startswith("set-cookie:")]
        assert cookie and "; Secure" in cookie[0] and "HttpOnly" in cookie[0], head
        assert "Strict-Transport-Security: max-age=" in head, head
        # and the API answers over TLS with the token (urllib with the test's CA)
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        expect(r, 200)
        expect(s.get(API + "/me", token=r.json["token"]), 200)


def test_tls_with_an_rsa_certificate():
    with TlsServer(kind="rsa") as s:
        expect(s.get("/healthz"), 200)


def test_tls_refuses_old_protocols_and_ciphers_without_aead_and_allows_modern_ones():
    with TlsServer() as s:
        def handshake(ctx):
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            try:
                with socket.create_connection(("127.0.0.1", s.port), timeout=10) as raw:
                    with ctx.wrap_socket(raw, server_hostname="localhost") as t:
                        return t.version(), t.cipher()[0]
            except (ssl.SSLError, ConnectionResetError, OSError):
                return None

        # allowed: TLS 1.3, and TLS 1.2 with an AEAD cipher
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        assert handshake(ctx)[0] == "TLSv1.3"
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
        assert handshake(ctx) == ("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256")
        # refused: CBC with SHA-1 on TLS 1.2
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-ECDSA-AES128-SHA")
        assert handshake(ctx) is None
        # refused: plain HTTP on the TLS port gets no page
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as raw:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            try:
                data = raw.recv(100)
            except OSError:
                data = b""
            assert not data.startswith(b"HTTP/1.1 200"), data


def test_sighup_reloads_the_certificate_and_keeps_the_old_one_when_the_new_is_bad():
    with TlsServer() as s:
        first = s.peer_cert()
        assert first == der_of(s.crt)
        # certbot renews: new files in the same place, then SIGHUP
        tmp = tempfile.mkdtemp(prefix="nsp-tls-new-", dir=s.certdir)
        crt2, key2 = make_cert(tmp, "renewed", cn="localhost-renewed")
        os.replace(crt2, s.crt)
        os.replace(key2, s.key)
        os.rmdir(tmp)
        s.proc.send_signal(signal.SIGHUP)
        s.wait_stderr("TLS certificate reloaded")
        second = s.peer_cert()
        assert second == der_of(s.crt) and second != first
        # a key that does not belong to the certificate: refused, the last good one stays
        crt3, key3 = make_cert(s.certdir, "other")
        os.replace(key3, s.key)
        s.proc.send_signal(signal.SIGHUP)
        s.wait_stderr("NOT reloaded")
        assert s.peer_cert() == second


def test_redirect_listener_only_redirects_to_https():
    with TlsServer(extra_args=("--redirect-listen", "127.0.0.1:0")) as s:
        line = s.proc.stdout.readline().decode()
        rport = int(line.split("port ")[1].split()[0])
        with socket.create_connection(("127.0.0.1", rport), timeout=10) as raw:
            raw.sendall(b"GET /login?next=%2Fpersons HTTP/1.1\r\nHost: nsp.example.org\r\n"
                        b"Connection: close\r\n\r\n")
            data = b""
            while True:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                data += chunk
        head = data.decode("latin-1")
        assert head.startswith("HTTP/1.1 308"), head
        assert f"Location: https://nsp.example.org:{s.port}/login?next=%2Fpersons\r\n" in head, head
        # an API write is redirected too, never served in plain text
        status, head, body = raw_request(rport, b"POST /api/v1/login HTTP/1.1\r\nHost: localhost:80\r\n"
                                                b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                                                b"Connection: close\r\n\r\n{}")
        assert status == 308 and f"Location: https://localhost:{s.port}/api/v1/login" in head, head
        assert b"token" not in body
        # a Host that is not a host name: no redirect anywhere
        status, head, _ = raw_request(rport, b"GET / HTTP/1.1\r\nHost: evil.example/x\r\nConnection: close\r\n\r\n")
        assert status == 400 and "Location" not in head, head


def raw_request(port, raw_bytes):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(raw_bytes)
        data = b""
        while True:
            chunk = raw.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body


def serve_refusal(*args):
    s = Server()
    try:
        s.init()
        r = subprocess.run([nsp_bin(), "serve", "--db", s.db, "--listen", "127.0.0.1:0", *args],
                           capture_output=True, text=True, env=dict(s.env, NSP_LANG="en"), timeout=20)
        return r
    finally:
        s.__exit__(None, None, None)


def test_serve_refuses_a_key_that_does_not_belong_to_the_certificate():
    d = tempfile.mkdtemp(prefix="nsp-tls-")
    try:
        crt, _ = make_cert(d, "a")
        _, key = make_cert(d, "b")
        r = serve_refusal("--tls-cert", crt, "--tls-key", key)
        assert r.returncode == 1 and "do not go together" in r.stderr, r
        r = serve_refusal("--tls-cert", crt, "--tls-key", os.path.join(d, "missing.key"))
        assert r.returncode == 1 and "cannot be read" in r.stderr, r
        r = serve_refusal("--tls-cert", crt)
        assert r.returncode == 1 and "both" in r.stderr, r
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)


def test_redirect_listen_needs_tls():
    r = serve_refusal("--redirect-listen", "127.0.0.1:0")
    assert r.returncode == 1 and "needs HTTPS" in r.stderr, r
