"""Strict HTTP (issue 16, finding 8): framing that a proxy may read otherwise
than we do — two Content-Length headers, Content-Length beside
Transfer-Encoding, bare LF line ends — is refused with 400 and the
connection is closed, so that nothing after it is read as a request
(request smuggling)."""
import socket

from harness import API, Server, World, expect_ok


def exchange(s, raw, timeout=10):
    """Sends raw bytes on a fresh connection and reads until the server closes
    (or timeout): (status or None, everything read, closed by the server)."""
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=timeout)
    data, closed = b"", False
    try:
        sock.sendall(raw)
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                closed = True
                break
            except socket.timeout:
                break
            if not chunk:
                closed = True
                break
            data += chunk
    finally:
        sock.close()
    status = int(data[9:12]) if data.startswith(b"HTTP/1.") else None
    return status, data, closed


def smuggled(s, token, framing, body):
    """A POST with the given framing headers, followed on the same connection
    by a GET /healthz that a lenient parser would answer as a second request."""
    head = (f"POST {API}/organisations HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n{framing}\r\n").encode()
    return head + body + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def test_strict_http_conflicting_lengths_and_cl_with_te_are_refused_and_closed():
    with Server() as s:
        w = World(s)
        body = b'{"name": "Smuggel", "kind": "other", "regions": ["Nord"]}'
        cases = {
            "two different Content-Length": f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n",
            "two equal Content-Length": f"Content-Length: {len(body)}\r\nContent-Length: {len(body)}\r\n",
            "Content-Length and Transfer-Encoding": f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n",
        }
        for name, framing in cases.items():
            status, data, closed = exchange(s, smuggled(s, w.coord, framing, body))
            assert status == 400, (name, data[:300])
            assert closed, (name, data[:300])
            assert data.count(b"HTTP/1.1 ") == 1, (name, data)    # the GET behind it was never answered
        # nothing was created by any of them
        assert expect_ok(s.get(API + "/organisations", token=w.coord), 200)["organisations"] == []
        # one honest Content-Length still works, and keeps the connection
        ok = (f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\n\r\n").encode() * 2
        status, data, _ = exchange(s, ok, timeout=2)
        assert status == 200 and data.count(b"HTTP/1.1 200") == 2, data[:300]


def test_strict_http_bare_lf_or_cr_in_a_head_is_refused_and_closed():
    # libmicrohttpd before 0.9.77 (Debian 12 has 0.9.75) takes a bare LF or CR for a line end even in
    # its strict mode; the server judges the heads' bytes itself (src/web/head_guard.h).
    with Server() as s:
        host = f"Host: 127.0.0.1:{s.port}"
        heads = {
            "bare LF everywhere": f"GET /healthz HTTP/1.1\n{host}\n\n",
            "one bare LF": f"GET /healthz HTTP/1.1\r\n{host}\nX-A: b\r\n\r\n",
            "a bare LF ending the head": f"GET /healthz HTTP/1.1\r\n{host}\r\n\n",
            "a bare LF ending the request line": f"GET /healthz HTTP/1.1\n{host}\r\n\r\n",
            "a bare CR": f"GET /healthz HTTP/1.1\r\n{host}\rX-A: b\r\n\r\n",
        }
        for name, head in heads.items():
            status, data, closed = exchange(s, head.encode() + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                            timeout=3)
            assert status == 400 and closed, (name, data[:300])
            assert data.count(b"HTTP/1.1 ") == 1, (name, data)
        # a second request on a kept connection is judged as well
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        try:
            sock.sendall(f"GET /healthz HTTP/1.1\r\n{host}\r\n\r\n".encode())
            first = sock.recv(65536)
            assert first.startswith(b"HTTP/1.1 200"), first[:300]
            sock.sendall(f"GET /healthz HTTP/1.1\n{host}\n\n".encode())
            second, chunk = b"", b"x"
            while chunk:
                chunk = sock.recv(65536)
                second += chunk
            assert second.startswith(b"HTTP/1.1 400"), second[:300]   # and closed: recv returned b""
        finally:
            sock.close()


def test_strict_http_line_ends_inside_a_body_are_the_bodys_business():
    # A body may hold any bytes: with its Content-Length the scanner skips it and judges the next
    # head; a chunked body ends the judging of the connection rather than guess at it.
    with Server() as s:
        w = World(s)
        body = b'{"name": "Rader med LF",\n "kind": "other",\r\n "regions": ["Nord"]}\n'
        head = (f"POST {API}/organisations HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\n"
                f"Authorization: Bearer {w.coord}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        follow = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nConnection: close\r\n\r\n".encode()
        status, data, _ = exchange(s, head + body + follow, timeout=5)
        assert status == 201 and data.count(b"HTTP/1.1 ") == 2 and b"HTTP/1.1 200" in data, data[:600]


