"""Benchmark: the embedded default (SQLite) under concurrent writes, before and after the settings of
lms/settings.py (WAL, busy timeout, IMMEDIATE transactions), side by side in one run.

A threaded WSGI server (one database connection per thread, as several gunicorn workers would have) on a fresh
file database; 10 students start the exam at the same instant, then 16 autosaves at once, 3 rounds. Prints the
answers' status codes and latencies for each configuration. "before" is the old OPTIONS ({"timeout": 20} only,
rollback journal, deferred transactions); the 503s it shows were 500s before lms/db_contention.py.

    .venv/bin/python bench/sqlite_concurrency.py
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="sqlite-bench-"))
os.environ.pop("DATABASE_URL", None)
os.environ["LMS_VAR_DIR"] = str(VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

STUDENTS, PARALLEL, ROUNDS = 10, 16, 3
BEFORE = {"timeout": 20}


def request(url, method, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, payload = resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        status, payload = err.code, {}
    return status, payload, time.perf_counter() - t0


def at_once(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def serve():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def population(tag):
    from exams import services
    from lms.accounts.models import ApiToken
    from tests.exams import helpers as h

    cert = h.make_certification(types=("numeric", "short", "truefalse"), practical=False)
    school = h.entitled_school(f"Bench {tag}")
    students = [h.registered_student(cert, school) for _ in range(STUDENTS)]
    return cert, students, [ApiToken.issue(s) for s in students], services


def run(label, base):
    from exams.models import Attempt, AttemptQuestion

    cert, students, tokens, _ = population(label)
    starts = at_once([lambda t=t: request(f"{base}/api/v1/exams/{cert.exam_id}/attempts", "POST", t)
                      for t in tokens])
    slots = [(tok, a.pk, aq.pk, aq.version.qtype)
             for s, tok in zip(students, tokens, strict=True)
             for a in Attempt.objects.filter(exam=cert.exam, user=s)
             for aq in AttemptQuestion.objects.filter(attempt=a, version__qtype__in=("numeric", "short"))]
    saves = []
    for rnd in range(ROUNDS):
        chosen = slots[:PARALLEL]
        saves += at_once([
            lambda s=s, rnd=rnd: request(
                f"{base}/api/v1/exams/attempts/{s[1]}/answers/{s[2]}", "PUT", s[0],
                {"response": {"value": str(430 + rnd)} if s[3] == "numeric" else {"text": f"r{rnd}"}})
            for s in chosen])
    return starts, saves


def summary(results):
    codes = {}
    for status, _, _ in results:
        codes[status] = codes.get(status, 0) + 1
    times = sorted(t for _, _, t in results)
    return codes, times[len(times) // 2], times[-1]


def main():
    import django
    from django.conf import settings
    from django.db import connections

    after = dict(settings.DATABASES["default"]["OPTIONS"])
    settings.DATABASES["default"]["OPTIONS"] = dict(BEFORE)
    django.setup()
    connections.settings["default"]["OPTIONS"] = dict(BEFORE)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated a fresh SQLite file in {time.perf_counter() - t0:.0f} s ({VAR})")
    server, base = serve()
    rows = []
    try:
        for label, options in (("before", BEFORE), ("after", after)):
            connections.settings["default"]["OPTIONS"] = dict(options)
            for conn in connections.all():
                conn.close()
            connections["default"].settings_dict["OPTIONS"] = dict(options)
            starts, saves = run(label, base)
            rows.append((label, summary(starts), summary(saves)))
    finally:
        server.shutdown()
        shutil.rmtree(VAR, ignore_errors=True)
    print(f"{'config':8} | {'10 parallel starts':34} | {'16 parallel autosaves x 3':34}")
    for label, (sc, s50, smax), (ac, a50, amax) in rows:
        print(f"{label:8} | {str(sc):18} p50 {s50:5.2f}s max {smax:5.2f}s | "
              f"{str(ac):18} p50 {a50:5.2f}s max {amax:5.2f}s")


if __name__ == "__main__":
    main()
