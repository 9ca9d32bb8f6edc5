"""nsp serve --per-ip (issue 7): connections at once per client address.

The default keeps the protection (32 per address; more are closed), a number
sets another limit, and 0 lifts it for a server behind a reverse proxy, where
every client has the proxy's address.
"""
import os
import socket
import subprocess
import time

from harness import Server, nsp_bin

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def answered(sock):
    """Whether the server answers a request on the open connection (and keeps it)."""
    try:
        sock.sendall(REQUEST)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            data += chunk
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def connections_answered(s, n):
    """Opens n connections to s at once, one request on each, all kept open;
    returns how many were answered."""
    socks = []
    try:
        ok = 0
        for _ in range(n):
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            socks.append(sock)
            ok += answered(sock)
        return ok
    finally:
        for sock in socks:
            sock.close()


def settled(s, n, expect):
    """connections_answered(s, n), tried again (up to 5 s) until it is expect:
    the server must first see the previous connections close (the limit
    counts the connections open now, not ever)."""
    deadline = time.time() + 5
    while True:
        ok = connections_answered(s, n)
        if ok == expect or time.time() > deadline:
            return ok
        time.sleep(0.05)


def test_per_ip_default_limits_one_address():
    with Server() as s:
        # 32 at once are served; the 33rd is closed without an answer.
        assert connections_answered(s, 32) == 32
        assert settled(s, 33, 32) == 32


def test_per_ip_sets_the_limit():
    with Server(serve_args=("--per-ip", "3")) as s:
        assert connections_answered(s, 5) == 3
        # Closed connections free their places.
        assert settled(s, 3, 3) == 3


def test_per_ip_zero_lifts_the_limit():
    with Server(serve_args=("--per-ip", "0")) as s:
        assert connections_answered(s, 64) == 64


def test_per_ip_refuses_invalid_values_and_is_documented():
    env = dict(os.environ, NSP_LANG="sv")
    for bad in ("-1", "abc", "", "65536"):
        r = subprocess.run([nsp_bin(), "serve", "--db", "/nonexistent/nsp.db", "--per-ip", bad],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 2, (bad, r.returncode, r.stderr)
        assert "nsp serve --help" in r.stderr, r.stderr
    sv = subprocess.run([nsp_bin(), "serve", "--help"], capture_output=True, text=True, env=env)
    assert sv.returncode == 0 and "--per-ip N" in sv.stdout and "ingen gräns" in sv.stdout, sv.stdout
    en = subprocess.run([nsp_bin(), "serve", "--help"], capture_output=True, text=True,
                        env=dict(os.environ, NSP_LANG="en"))
    assert en.returncode == 0 and "--per-ip N" in en.stdout and "no limit" in en.stdout, en.stdout
