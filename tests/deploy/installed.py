#!/usr/bin/env python3
"""The done-when of issue 18, on what `make install DESTDIR=ROOT PREFIX=/usr` put
under ROOT (make deploy-test does both):

  - the files are where a Debian administrator expects them, the unit's paths
    are the installed ones, nsp(1) is mandoc -Tlint clean;
  - systemd-analyze scores the installed unit's hardening (offline: systemd
    need not run) and it stays "OK" (exposure at most 2.0);
  - the installed binary, run with the unit's settings as far as this machine
    allows (below), with the shipped /etc/nsp/nsp.conf (its paths moved into
    a temporary folder, HTTPS added) serves HTTPS with a certificate made here,
    passes a login over TLS (curl --cacert) with a Secure cookie, takes a
    backup on SIGUSR1 while clients write, and `nsp restore` of it gives the
    same annual report and ledger as the backup.

The unit's hardening: where systemd runs as PID 1 and we are root, the server
runs under `systemd-run` with the installed unit's [Service] hardening
properties. Elsewhere (CI containers have no running systemd) only what needs
no service manager is applied: NoNewPrivileges through `setpriv --no-new-privs`
and the unit's UMask=0077; the rest is checked statically by systemd-analyze.
The script says which one it did.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))

import harness  # noqa: E402
from harness import API, COORD_PASSWORD, Server, World, span_days  # noqa: E402
from test_backup_restore import Writer  # noqa: E402

HARDENING = ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices",
             "ProtectHostname", "ProtectClock", "ProtectKernelTunables", "ProtectKernelModules",
             "ProtectKernelLogs", "ProtectControlGroups", "RestrictAddressFamilies", "RestrictNamespaces",
             "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute",
             "SystemCallArchitectures", "SystemCallFilter", "SystemCallErrorNumber", "CapabilityBoundingSet",
             "UMask")


def unit_settings(unit):
    """The [Service] settings of a unit file as (key, value) pairs, in order."""
    out, section = [], None
    with open(unit) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line:
                k, v = line.split("=", 1)
                out.append((k, v))
    return out


def systemd_running():
    if os.geteuid() != 0 or not shutil.which("systemd-run") or not shutil.which("systemctl"):
        return False
    r = subprocess.run(["systemctl", "is-system-running"], capture_output=True, text=True)
    return r.stdout.strip() in ("running", "degraded")


def make_cert(folder):
    crt, key = os.path.join(folder, "fullchain.pem"), os.path.join(folder, "privkey.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return crt, key


def wrapper(folder, nsp, unit):
    """A script that runs the installed nsp under the unit's hardening (see the module's text)."""
    path = os.path.join(folder, "nsp-hardened")
    props = [f"{k}={v}" for k, v in unit_settings(unit) if k in HARDENING]
    if systemd_running():
        how = "systemd-run with the unit's hardening: " + ", ".join(props)
        args = " ".join(f"-p '{p}'" for p in props if not p.startswith("UMask"))
        body = (f'exec systemd-run --quiet --wait --pipe --collect -p UMask=0077 -p ReadWritePaths={folder} '
                f'-p "Environment=NSP_PASSWORD=$NSP_PASSWORD NSP_LANG=$NSP_LANG" {args} {nsp} "$@"\n')
    else:
        how = ("no running systemd here: setpriv --no-new-privs (NoNewPrivileges) and umask 077 (UMask); "
               "the other settings are checked by systemd-analyze only")
        body = f'umask 077\nexec setpriv --no-new-privs {nsp} "$@"\n'
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path, how


# ---------------------------------------------------------------- checks

def check_files(root):
    for rel, mode in (("usr/bin/nsp", 0o755), ("usr/share/man/man1/nsp.1", 0o644),
                      ("usr/lib/systemd/system/nsp.service", 0o644), ("usr/lib/sysusers.d/nsp.conf", 0o644),
                      ("etc/nsp/nsp.conf", 0o644)):
        p = os.path.join(root, rel)
        assert os.path.isfile(p), f"{rel} is not installed"
        assert stat.S_IMODE(os.stat(p).st_mode) == mode, (rel, oct(os.stat(p).st_mode))
    unit = dict(unit_settings(os.path.join(root, "usr/lib/systemd/system/nsp.service")))
    assert unit["ExecStart"] == "/usr/bin/nsp serve --config /etc/nsp/nsp.conf", unit["ExecStart"]
    for k, v in (("User", "nsp"), ("StateDirectory", "nsp"), ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                 ("PrivateTmp", "yes"), ("MemoryDenyWriteExecute", "yes"), ("SystemCallFilter", "@system-service")):
        assert unit.get(k) == v or (k == "SystemCallFilter"), (k, unit.get(k))
    assert "@system-service" in [v for k, v in unit_settings(os.path.join(root, "usr/lib/systemd/system/nsp.service"))
                                 if k == "SystemCallFilter"]
    r = subprocess.run(["mandoc", "-Tlint", os.path.join(root, "usr/share/man/man1/nsp.1")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r
    v = subprocess.run([os.path.join(root, "usr/bin/nsp"), "--version"], capture_output=True, text=True)
    assert v.returncode == 0 and v.stdout.startswith("nsp "), v
    print("ok   the installed files, the unit's paths and hardening settings, nsp(1) mandoc -Tlint clean")


def check_security_score(root):
    unit = os.path.join(root, "usr/lib/systemd/system/nsp.service")
    if not shutil.which("systemd-analyze"):
        print("skip systemd-analyze security: systemd-analyze is not installed")
        return
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", unit], capture_output=True, text=True)
    m = re.search(r"Overall exposure level for nsp\.service: ([0-9.]+) (\w+)", r.stdout + r.stderr)
    assert m, r.stdout[-2000:] + r.stderr[-2000:]
    assert float(m.group(1)) <= 2.0, m.group(0)
    print(f"ok   systemd-analyze security --offline=true: {m.group(1)} {m.group(2)}")


def check_tls_login_backup_restore(root):
    nsp = os.path.join(root, "usr/bin/nsp")
    unit = os.path.join(root, "usr/lib/systemd/system/nsp.service")
    s = None
    work = tempfile.mkdtemp(prefix="nsp-deploy-")
    os.chmod(work, 0o755)
    try:
        run_as, how = wrapper(work, nsp, unit)
        print(f"     hardening: {how}")
        crt, key = make_cert(work)
        ctx = ssl.create_default_context(cafile=crt)
        s = Server(nsp=run_as, ssl_context=ctx, extra_env={"NSP_LANG": "en"})
        state = os.path.join(s.dir, "state")
        os.mkdir(state)
        # The shipped configuration, its /var/lib/nsp moved here, HTTPS added (later lines win).
        with open(os.path.join(root, "etc/nsp/nsp.conf")) as f:
            conf = f.read().replace("/var/lib/nsp", state)
        conf += f"\nlisten = 127.0.0.1:0\ntls-cert = {crt}\ntls-key = {key}\n"
        conf_path = os.path.join(s.dir, "nsp.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        s.serve_args = ("--config", conf_path)
        s.init()
        s.start()
        assert s.base.startswith("https://"), s.base

        # a login over TLS with curl --cacert: a Secure cookie
        out = subprocess.run(["curl", "-sS", "-i", "--noproxy", "*", "--cacert", crt,
                              "-H", "Content-Type: application/json",
                              "--data-binary", json.dumps({"username": "samordnare", "password": COORD_PASSWORD}),
                              f"https://localhost:{s.port}{API}/login"], capture_output=True, timeout=30)
        head = out.stdout.decode("utf-8", "replace").split("\r\n\r\n", 1)[0]
        assert out.returncode == 0 and head.startswith("HTTP/1.1 200"), (out.stderr, head)
        cookie = [h for h in head.split("\r\n") if h.lower().startswith("set-cookie:")]
        assert cookie and "; Secure" in cookie[0], head
        assert "Strict-Transport-Security:" in head, head
        print("ok   the installed binary serves HTTPS with the shipped configuration; curl logs in, Secure cookie")

        # data, then a backup on SIGUSR1 while clients write over TLS
        first = wait_backups(s, 1)
        w = World(s, budget_years=(2024,))
        org = w.org()
        persons = [w.admitted(org, on="2024-02-01") for _ in range(3)]
        decisions = [w.grant(p["id"], "reflection", "2024-03-01", **span_days("2024-03-01", 30))["id"]
                     for p in persons]
        def connect():
            return http.client.HTTPSConnection("127.0.0.1", s.port, timeout=30, context=ctx)

        writers = [Writer(s.port, w.coord, decisions, [p["id"] for p in persons], connect=connect)
                   for _ in range(2)]
        for t in writers:
            t.start()
        try:
            while sum(t.done for t in writers) < 20:
                time.sleep(0.01)
            s.proc.send_signal(signal.SIGUSR1)      # systemctl kill -s USR1 nsp
            backup = wait_backups(s, len(first) + 1)[-1]
            during = sum(t.done for t in writers)
        finally:
            for t in writers:
                t.stop.set()
            for t in writers:
                t.join(timeout=30)
        assert not any(t.errors for t in writers), [t.errors[:3] for t in writers]
        assert during >= 20
        assert os.path.dirname(backup) == os.path.join(state, "backups"), backup

        restored = os.path.join(s.dir, "restored.db")
        r = subprocess.run([run_as, "restore", "--from", backup, "--db", restored, "--key-file", s.db + ".key"],
                           capture_output=True, text=True, env=dict(os.environ, NSP_LANG="en"), timeout=120)
        assert r.returncode == 0, r
        assert report(run_as, restored) == report(run_as, backup, key=s.db + ".key")
        assert ledger(restored) == ledger(backup)
        print(f"ok   a backup taken on SIGUSR1 under load ({during} writes) restores with the same report and ledger")
    finally:
        if s:
            s.__exit__(None, None, None)
        shutil.rmtree(work, ignore_errors=True)


def wait_backups(s, n):
    deadline = time.time() + 60
    while True:
        found = re.findall(r"backup written and verified: (\S+)", s.stderr_text())
        if len(found) >= n:
            return found
        assert "BACKUP FAILED" not in s.stderr_text(), s.stderr_text()[-2000:]
        assert time.time() < deadline, s.stderr_text()[-2000:]
        time.sleep(0.05)


def report(nsp, db, key=None, year=2024):
    args = [nsp, "report", "--db", db, "--year", str(year), "--format", "json"]
    if key:
        args += ["--key-file", key]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r
    return json.loads(r.stdout)


def ledger(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT * FROM ledger ORDER BY id").fetchall()
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="the DESTDIR of make install PREFIX=/usr")
    a = ap.parse_args()
    os.environ["NSP_BIN"] = os.path.join(a.root, "usr/bin/nsp")
    failed = 0
    for check in (check_files, check_security_score, check_tls_login_backup_restore):
        try:
            check(a.root)
        except Exception:  # noqa: BLE001 — report every check, then fail
            failed += 1
            print(f"FAIL {check.__name__}")
            traceback.print_exc()
    print(f"deploy: {3 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
