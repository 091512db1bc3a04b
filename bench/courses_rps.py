"""Requests per second of the lesson page (logged-in student) and the catalogue, side by side with a
minimal Django view (same middleware, same session), under gunicorn (2 workers) on PostgreSQL, with the
shared cache in each worker's memory (locmem) and in Redis (a deployment's), one after the other.

    .venv/bin/python bench/courses_rps.py [--seconds 8] [--concurrency 8] [--rounds 2] [--cache both] [--runs 1]

Creates/migrates the database `flowstage_bench` on 127.0.0.1:5432 (user postgres), seeds partnerships,
users and courses, starts gunicorn on a free port, loads each URL with a small keep-alive Python client
(threads), and prints rps and the ratio to the minimal view (target: each >= 0.5, issue 16).
With --runs 3, each figure is given as the median and the min–max of the three runs.
"""
import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "flowstage_bench"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

SETUP = r"""
import sys
from io import StringIO
import partnerships.demo, lms.demo, courses.demo
out = StringIO()
for m in (partnerships.demo, lms.demo, courses.demo):
    m.seed(out)
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from lms.accounts.models import User
from courses.models import LessonPage
marie = User.objects.get(email="marie.dubois@demo.flowstage.test")
s = SessionStore()
s[SESSION_KEY] = str(marie.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = marie.get_session_auth_hash()
s.create()
lesson = LessonPage.objects.get(slug="event-management-booking", locale__language_code="fr")
print("SESSION", s.session_key)
print("LESSON", lesson.url)
"""


CACHE_REDIS = "redis://127.0.0.1:6379/2"  # a database of its own: the bench flushes nothing, but stays apart


def env(cache="locmem"):
    """The services configuration under test: PostgreSQL, and the cache each gunicorn worker keeps in its
    memory (locmem) or the shared Redis cache of a deployment with several hosts (--cache redis)."""
    e = dict(os.environ)
    e.update(DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="bench.courses_bench_settings", PYTHONPATH=str(ROOT))
    e.pop("REDIS_URL", None)
    if cache == "redis":
        e["REDIS_URL"] = CACHE_REDIS
    return e


def ensure_db():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup():
    ensure_db()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env(), check=True)
    out = subprocess.run([PY, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env(), check=True,
                         capture_output=True, text=True).stdout
    values = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("SESSION ", "LESSON ")))
    return values["SESSION"].strip(), values["LESSON"].strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def load(port, path, cookie, seconds, concurrency):
    """Requests/second over `seconds` with `concurrency` keep-alive clients; every answer must be 200."""
    count = [0] * concurrency
    errors = []
    stop = time.time() + seconds

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        while time.time() < stop:
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors.append(r.status)
                    return
                count[i] += 1
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    if errors:
        raise RuntimeError(f"{path}: errors {errors[:3]}")
    return sum(count) / elapsed


def measure(cache, cookie, targets, args) -> dict:
    """Best rps of each target under gunicorn with the given cache configuration."""
    port = free_port()
    proc = subprocess.Popen([GUNICORN, "lms.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
                            cwd=ROOT, env=env(cache), start_new_session=True)
    try:
        wait_up(port)
        for _name, path in targets:  # warm up both workers
            load(port, path, cookie, 1.5, 4)
        results = {name: [] for name, _p in targets}
        for _ in range(args.rounds):  # interleaved rounds: the same machine load for every target
            for name, path in targets:
                results[name].append(load(port, path, cookie, args.seconds, args.concurrency))
        return {name: max(values) for name, values in results.items()}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def spread(values) -> str:
    vs = sorted(values)
    med = vs[len(vs) // 2] if len(vs) % 2 else (vs[len(vs) // 2 - 1] + vs[len(vs) // 2]) / 2
    return f"{med:.2f} [{vs[0]:.2f}–{vs[-1]:.2f}]" if len(vs) > 1 else f"{med:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cache", choices=["locmem", "redis", "both"], default="both")
    ap.add_argument("--runs", type=int, default=1, help="whole measurements (a fresh gunicorn each); with 3: "
                                                         "the median and the min–max of each figure")
    args = ap.parse_args()
    print(f"setting up {DB_NAME} (migrate + seed)…", flush=True)
    cookie, lesson_path = setup()
    targets = [("minimal view", "/bench-minimal/"), ("lesson page", lesson_path), ("catalogue", "/catalogue/")]
    caches = ["locmem", "redis"] if args.cache == "both" else [args.cache]
    runs = []
    for r in range(args.runs):
        best = {cache: measure(cache, cookie, targets, args) for cache in caches}
        runs.append(best)
        print(f"\nrun {r + 1}/{args.runs}: gunicorn 2 workers, PostgreSQL, {args.concurrency} keep-alive clients, "
              f"{args.rounds}×{args.seconds:.0f}s per URL, logged in as Marie (student); shared cache: each "
              f"worker's memory (locmem) or Redis; load average {os.getloadavg()[0]:.1f}")
        print(f"{'URL':<15}" + "".join(f"{cache + ' rps':>14}{'ratio':>8}" for cache in caches) + "   path")
        for name, path in targets:
            print(f"{name:<15}" + "".join(f"{best[c][name]:>14.1f}{best[c][name] / best[c]['minimal view']:>8.2f}"
                                          for c in caches) + f"   {path}", flush=True)
    if args.runs > 1:
        print(f"\nover {args.runs} runs: median [min–max]")
        print(f"{'URL':<15}" + "".join(f"{cache + ' rps':>26}{cache + ' ratio':>24}" for cache in caches))
        for name, _path in targets:
            print(f"{name:<15}" + "".join(
                f"{spread([b[c][name] for b in runs]):>26}"
                f"{spread([b[c][name] / b[c]['minimal view'] for b in runs]):>24}" for c in caches))
    ratios = {(c, n): sorted(b[c][n] / b[c]["minimal view"] for b in runs)
              for c in caches for n in ("lesson page", "catalogue")}
    ok = all(v[len(v) // 2] >= 0.5 for v in ratios.values())
    print("\ntarget (each >= 0.5 of the minimal view, the median of the runs):", "MET" if ok else "NOT MET")


if __name__ == "__main__":
    sys.exit(main())
