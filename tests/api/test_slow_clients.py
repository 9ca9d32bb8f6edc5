"""Slow clients (issue 16, finding 4): 270 connections from 9 addresses, one
header byte now and then, made /healthz time out for everyone else — the
timeout restarted at each byte and the global cap is 256. Now a request's
head has an absolute deadline (10 s), and connections are capped per /24
(IPv4) and /64 (IPv6) besides per address, so a flood from one network
leaves the server answering another. Loopback only: 127.0.0.x and 127.0.1.x
are distinct sources in two /24s. The flood is bounded (270 sockets, under
30 s)."""
import socket
import threading
import time

from harness import Server

FLOOD_ADDRS = [f"127.0.0.{i}" for i in range(2, 11)]     # 9 addresses in one /24
PER_ADDR = 30


def open_slow(source, port):
    """A connection from source that has sent the start of a request head."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    return sock


def healthz_from(source, port, timeout):
    """GET /healthz from source; the status, or None when no answer came within timeout."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    except (socket.timeout, ConnectionError):
        return None
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data[9:12]) if data.startswith(b"HTTP/1.") else None
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        return None     # closed or reset without an answer
    finally:
        sock.close()


def test_slow_header_flood_leaves_healthz_answering_another_network():
    with Server() as s:
        socks, refused = [], 0
        for addr in FLOOD_ADDRS:
            for _ in range(PER_ADDR):
                try:
                    socks.append(open_slow(addr, s.port))
                except OSError:
                    refused += 1
        stop = threading.Event()

        def trickle():
            # one header byte per second on every connection still open: an idle timeout never fires
            while not stop.wait(1.0):
                for sk in socks:
                    try:
                        sk.send(b"a")
                    except OSError:
                        pass

        t = threading.Thread(target=trickle, daemon=True)
        t.start()
        try:
            # another network is answered at once, more than once, while the flood goes on
            for _ in range(5):
                assert healthz_from("127.0.1.7", s.port, timeout=1.0) == 200
            # the flood's connections are cut at the head's absolute deadline, bytes or not:
            # each is seen closed (EOF or reset) within the deadline and a margin
            closed = 0
            limit = time.monotonic() + 25
            for sk in socks:
                sk.settimeout(max(0.1, limit - time.monotonic()))
                try:
                    while True:
                        chunk = sk.recv(4096)
                        if not chunk:
                            closed += 1
                            break
                except socket.timeout:
                    break
                except OSError:
                    closed += 1
            assert closed == len(socks), (closed, len(socks), refused)
            # and the flooded network itself is served again once the server has let the cut
            # connections go (it does so after the client saw the end: wait for that, bounded)
            limit = time.monotonic() + 15
            while healthz_from("127.0.0.20", s.port, timeout=2.0) != 200:
                assert time.monotonic() < limit, "the flooded network is not served again"
                time.sleep(0.2)
        finally:
            stop.set()
            t.join(5)
            for sk in socks:
                sk.close()


def test_per_network_cap_refuses_a_network_but_not_another():
    with Server() as s:
        held = []
        try:
            # 64 connections per /24 by default: 3 addresses x 30 reach it
            for addr in ("127.0.2.1", "127.0.2.2", "127.0.2.3"):
                for _ in range(PER_ADDR):
                    try:
                        held.append(open_slow(addr, s.port))
                    except OSError:
                        pass
            # the 65th and later from that /24 are closed without an answer
            assert healthz_from("127.0.2.9", s.port, timeout=2.0) is None
            # another /24 is answered
            assert healthz_from("127.0.3.1", s.port, timeout=2.0) == 200
        finally:
            for sk in held:
                sk.close()
