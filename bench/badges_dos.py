"""Benchmark: the verification denial of service of issue 10 (High 1), measured.

1. In process: crafts the payloads that cost the verifier most within its limits (and the attack of the
   issue: a signed credential padded with thousands of distinct achievement tags, 37 KB and 170 KB), verifies
   each, and prints its CPU time, wall time, the work counter (``badges.jsonld.Budget`` steps of the
   canonicalisation) and the verdict or refusal reason.
2. Against a real server (gunicorn, 4 sync workers, PostgreSQL; the rate-limit counters in Redis so the
   four workers share them): times GET /healthz while idle, then while four parallel attackers (four client
   addresses, through X-Forwarded-For with one trusted proxy) POST the worst payload to
   /api/v1/credentials/verify in a loop: with the work bounds alone (rate limit and concurrency cap lifted),
   with the server-wide concurrency cap, and with the platform's defaults (cap and rate limit); prints the
   figures side by side, with the server's CPU time per attack request (read from /proc: wall-clock latencies
   depend on what else the machine runs).

    .venv/bin/python bench/badges_dos.py [--seconds 10] [--workers 4]

Uses the database of bench/badges_common.py (flowstage_bench_badges on 127.0.0.1:5432) and Redis database 3.
"""
import argparse
import copy
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from badges_common import DB_URL, ROOT, achievement, setup_django

PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # signed into the credential; the server verifies under the same
os.environ.setdefault("PUBLIC_BASE_URL", PUBLIC_BASE_URL)
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
REDIS = "redis://127.0.0.1:6379/3"
API = "/api/v1/credentials/verify"


# ------------------------------------------------------------------------------------ payloads
def payloads(signed: dict) -> dict:
    """Candidates for the worst document within the limits, each a signed credential of the platform with
    something added (its signature then fails, but only after the full canonicalisation: the work is done).
    The sizes follow ``badges.jsonld.DEFAULT_LIMITS``: ``n`` values for one property is the most the array and
    node-map bounds let through."""
    from math import isqrt

    from badges.jsonld import DEFAULT_LIMITS as L

    n = min(L.max_array, isqrt(L.max_merge_work)) - 8

    def variant(*fns):
        doc = copy.deepcopy(signed)
        for fn in fns:
            fn(doc)
        return doc

    def achievement_of(doc):
        return doc["credentialSubject"]["achievement"]

    def tags(count):
        return lambda d: achievement_of(d).__setitem__("tag", [f"padding-tag-{i:06d}" for i in range(count)])

    def alignments(d):
        achievement_of(d)["alignment"] = [
            {"type": ["Alignment"], "targetName": f"n{i}", "targetUrl": f"https://x.example/{i}", "targetCode": f"c{i}",
             "targetFramework": f"f{i}", "targetDescription": f"d{i}", "targetType": "CFItem"} for i in range(n)]

    def evidence(d):
        d["evidence"] = [{"type": ["Evidence"], "narrative": f"n{i}", "name": f"x{i}", "description": f"d{i}",
                          "genre": "g", "audience": "a"} for i in range(n)]

    def same_evidence(d):  # indistinguishable blank nodes: RDFC-1.0's n-degree hashing
        d["evidence"] = [{"type": ["Evidence"], "narrative": "same", "name": "same"} for _ in range(n)]

    def same_results(d):
        d["credentialSubject"]["result"] = [{"type": ["Result"], "value": "1"} for _ in range(n)]

    def results(d):
        d["credentialSubject"]["result"] = [{"type": ["Result"], "value": f"{i}"} for i in range(n)]

    def issue_pad(kilobytes):
        size = len(json.dumps(signed, separators=(",", ":")).encode())
        return tags((kilobytes * 1024 - size) // len('"padding-tag-000000",'))

    return {
        "issue: 37 KB of tags": variant(issue_pad(37)),
        "issue: 170 KB of tags": variant(issue_pad(170)),
        f"{n} distinct tags (max one property)": variant(tags(n)),
        f"{n} alignments x 6 fields": variant(alignments),
        f"{n} evidence x 6 fields": variant(evidence),
        f"{n} identical evidence (blank nodes)": variant(same_evidence),
        f"{n} results": variant(results),
        f"{n} identical evidence + {n} results": variant(same_evidence, same_results),
    }


def in_process(signed: dict) -> tuple[str, dict]:
    from badges import jsonld
    from badges.resolver import verify

    print("1. the verifier in process (one thread; CPU = the thread's CPU time)\n")
    print(f"{'payload':<40}{'bytes':>9}{'CPU ms':>9}{'wall ms':>9}{'steps':>8}   verdict / reason")
    worst_name, worst_cpu = None, -1.0
    candidates = payloads(signed)
    verify(json.dumps(signed).encode())  # warm the processed-context cache, as a running server has it
    for name, doc in candidates.items():
        raw = json.dumps(doc, separators=(",", ":")).encode()
        unsigned = {k: v for k, v in doc.items() if k != "proof"}
        budget = jsonld.Budget()
        try:
            jsonld.canonicalize(unsigned, budget=budget)
        except jsonld.CredentialJsonLdError:
            pass
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        report = verify(raw)
        cpu, wall = (time.thread_time() - cpu0) * 1000, (time.perf_counter() - wall0) * 1000
        reason = report.reason if len(report.reason) < 70 else report.reason[:67] + "..."
        print(f"{name:<40}{len(raw):>9}{cpu:>9.1f}{wall:>9.1f}{budget.steps:>8}   {report.verdict}: {reason}")
        if cpu > worst_cpu:
            worst_name, worst_cpu = name, cpu
    print(f"\nworst within the limits: {worst_name} ({worst_cpu:.0f} ms of CPU)")
    return worst_name, candidates[worst_name]


# ------------------------------------------------------------------------------------ server
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(rate: str) -> dict:
    e = dict(os.environ)
    e.update(DATABASE_URL=DB_URL, REDIS_URL=REDIS, DJANGO_SETTINGS_MODULE="lms.settings", PYTHONPATH=str(ROOT),
             DEBUG="0", ALLOWED_HOSTS="*", PUBLIC_BASE_URL=os.environ["PUBLIC_BASE_URL"], BADGES_VERIFY_RATE=rate,
             TRUSTED_PROXY_COUNT="1")
    return e


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time of the gunicorn master and its workers so far (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == master_pid or int(fields[1]) == master_pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def request(port, method, path, body=None, timeout=120, client=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if client:
        headers["X-Forwarded-For"] = client  # the server trusts one proxy (TRUSTED_PROXY_COUNT=1)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


def wait_up(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if request(port, "GET", "/healthz", timeout=2) == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def healthz_latencies(port, seconds, stop_event=None) -> list[float]:
    """GET /healthz every 100 ms for ``seconds``; the latencies in ms (a timeout counts as its full wait)."""
    out, end = [], time.time() + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        try:
            request(port, "GET", "/healthz", timeout=60)
        except OSError:
            pass
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.1)
    return out


def attack(port, body, seconds, attackers=4):
    """``attackers`` threads POSTing ``body`` in a loop, each from its own client address (as four machines
    would); the answers' status codes and their latencies."""
    codes, latencies, stop = [], [], time.time() + seconds

    def one(client):
        while time.time() < stop:
            t0 = time.perf_counter()
            try:
                codes.append(request(port, "POST", API, body, client=client))
            except OSError as exc:
                codes.append(type(exc).__name__)
            latencies.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=one, args=(f"198.51.100.{i + 1}",)) for i in range(attackers)]
    for t in threads:
        t.start()
    return threads, codes, latencies


def summary(values):
    values = sorted(values)
    if not values:
        return "-"
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"p50 {statistics.median(values):7.1f}  p95 {p95:7.1f}  max {values[-1]:7.1f}"


def against_server(body: bytes, valid: bytes, seconds: float, workers: int):
    import redis

    results = {}
    phases = (("work bounds only", "100000/m", "1000"), ("bounds + concurrency cap", "100000/m", None),
              ("bounds + cap + rate limit (default)", None, None))
    for label, rate, cap in phases:
        redis.Redis.from_url(REDIS).flushdb()  # the bench's own database: fresh rate-limit counters
        port = free_port()
        env = server_env(rate or os.environ.get("BADGES_VERIFY_RATE", "20/m"))
        env["BADGES_VERIFY_CONCURRENCY"] = cap or os.environ.get("BADGES_VERIFY_CONCURRENCY", "2")
        proc = subprocess.Popen([GUNICORN, "lms.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                 "--timeout", "300", "--log-level", "warning"], cwd=ROOT, env=env,
                                start_new_session=True)
        try:
            wait_up(port)
            # each worker processes the bundled contexts once (pyld's cache), as a running server has done
            warm = [threading.Thread(target=request, args=(port, "POST", API, valid)) for _ in range(2 * workers)]
            for t in warm:
                t.start()
            for t in warm:
                t.join()
            idle = healthz_latencies(port, seconds)
            cpu0 = server_cpu_seconds(proc.pid)
            threads, codes, attack_lat = attack(port, body, seconds)
            busy = healthz_latencies(port, seconds)
            for t in threads:
                t.join()
            cpu = server_cpu_seconds(proc.pid) - cpu0
            results[label] = (idle, busy, codes, attack_lat, cpu)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    setup_django()
    from badges import services
    from lms.accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-holder@example.test")
    cred = services.issue_credential(user, achievement(), notify=False).credential
    signed = json.loads(cred.signed_json)
    print(f"load average of the machine before the run: {os.getloadavg()[0]:.1f} (2 cores)\n")
    worst_name, worst = in_process(signed)
    body = json.dumps(worst, separators=(",", ":")).encode()

    print(f"\n2. gunicorn {args.workers} sync workers, PostgreSQL, Redis; 4 attackers POST \"{worst_name}\" "
          f"({len(body)} bytes) to {API} for {args.seconds:.0f} s while /healthz is timed every 100 ms\n")
    results = against_server(body, cred.signed_json.encode(), args.seconds, args.workers)
    print(f"{'':<38}{'/healthz idle (ms)':<42}{'/healthz under attack (ms)':<42}")
    for label, (idle, busy, codes, lat, cpu) in results.items():
        print(f"{label:<38}{summary(idle):<42}{summary(busy):<42}")
    print()
    for label, (idle, busy, codes, lat, cpu) in results.items():
        counts = {c: codes.count(c) for c in sorted(set(codes), key=str)}
        print(f"{label:<38}attack answers {counts}, {len(codes) / args.seconds:.1f}/s, latency {summary(lat)}; "
              f"server CPU {cpu:.1f} s ({1000 * cpu / max(1, len(codes)):.0f} ms per attack request)")
    print(f"\nload average of the machine after the run: {os.getloadavg()[0]:.1f} (2 cores; other work shares them)")


if __name__ == "__main__":
    sys.exit(main())
