#!/usr/bin/env python3
"""bench/persons_search.py ROOT: times GET /api/v1/persons?code=... (the persons list searched by case code) on the
bench database of 10,000 persons: median and max of N requests each, coordinator and caseworker; then a page of
the newest applications and decisions (with the total) and those lists searched by case code."""
import importlib.machinery, importlib.util, os, statistics, subprocess, sys, time, types
ROOT = sys.argv[1]
loader = importlib.machinery.SourceFileLoader("benchrun", os.path.join(ROOT, "bench/run"))
spec = importlib.util.spec_from_loader("benchrun", loader)
b = importlib.util.module_from_spec(spec); loader.exec_module(b)
a = types.SimpleNamespace(persons=10000, ledger_rows=100000, seed=5643942934512547167,
                          work=os.path.join(ROOT, "build/bench"), gen=os.path.join(ROOT, "build/bench-gen"),
                          nsp=os.path.join(ROOT, "build/nsp"))
os.makedirs(a.work, exist_ok=True)
db, info = b.prepare_data(a)
phones = b.Phones(db + ".phones.json")
srv = b.Server([a.nsp, "serve", "--db", db, "--listen", "127.0.0.1:0", "--per-ip", "0"])
srv.ready_seconds()
coord = b.login(srv.port, phones, info["coordinator"], info["password"])
worker = b.login(srv.port, phones, "bench.handlaggare.1", "Bench-Handlaggare-1")
total = b.sql1(db, "SELECT count(*) FROM persons")
codes = [r for r in subprocess.run(["sqlite3", db, "SELECT code FROM persons ORDER BY random() LIMIT 20"],
                                    capture_output=True, text=True).stdout.split()]
print(f"persons in the database: {total}")
for who, tok in (("coordinator", coord), ("caseworker", worker)):
    c = b.Client(srv.port, tok)
    for label, qs in (("whole code", codes), ("last 4 digits", [x[-4:] for x in codes])):
        times = []
        for q in qs:
            t0 = time.perf_counter()
            st, _, body = c.call("GET", f"/api/v1/persons?code={q}&order=newest&limit=100")
            times.append((time.perf_counter() - t0) * 1000)
            assert st == 200, (st, body)
        print(f"{who:12} {label:14} n={len(times)} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms")
    t0 = time.perf_counter(); st, _, _ = c.call("GET", "/api/v1/persons?order=newest&limit=100"); 
    print(f"{who:12} unfiltered page of 100 newest: {(time.perf_counter()-t0)*1000:.1f} ms")
    # The applications and decisions lists (issue 15): a page of the newest with its total, and by case code.
    for what in ("applications", "decisions"):
        for label, qs in (("newest page", [""] * 5), ("last 4 digits", ["&code=" + x[-4:] for x in codes])):
            times = []
            for q in qs:
                t0 = time.perf_counter()
                st, _, body = c.call("GET", f"/api/v1/{what}?order=newest&limit=50{q}")
                times.append((time.perf_counter() - t0) * 1000)
                assert st == 200, (st, body)
            print(f"{who:12} {what:12} {label:14} n={len(times)} median {statistics.median(times):6.1f} ms  "
                  f"max {max(times):6.1f} ms")
    c.close()
b.stop_servers()
