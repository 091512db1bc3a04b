"""PostgreSQL cut under the exam's autosave load (a proxy in front of the shared server, closed and reopened: what a
restart looks like to the application): every request during the outage is a 503 with Retry-After, never a 500;
every answer acknowledged with a 200 is the one in the database at the end (nothing half-written, nothing lost);
the server resumes by itself when the database is back. A real gunicorn process serves the requests."""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from tests.faults.conftest import ROOT, Proxy, database_url, free_port, wait_for

pytestmark = [pytest.mark.services]

OUTAGE_SECONDS = 4
CSRF = "f" * 32


def _request(url, method="GET", body=None, cookies=""):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", "Cookie": cookies,
                                          "X-CSRFToken": CSRF, "Referer": url})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError as e:
        return None, {}, str(e).encode()


def test_database_cut_under_autosave_load(transactional_db, tmp_path, record_property):
    from django.db import connection

    from exams import grading, options
    from exams import services as exams_services
    from exams.models import AttemptQuestion
    from tests.exams.helpers import make_certification, registered_student

    cert = make_certification(types=("numeric", "numeric", "numeric"), practical=False)
    student = registered_student(cert)
    attempt = exams_services.start_attempt(cert.exam, student)
    client = Client()
    client.force_login(student)
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
    questions = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version"))

    proxy = Proxy(int(connection.settings_dict["PORT"] or 5432))
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url(proxy.port), DEBUG="0", DJANGO_ENV="development")
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "lms.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
                               "--threads", "4", "--timeout", "60"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results: dict[int, list] = {aq.pk: [] for aq in questions}
    stop = threading.Event()

    def autosave(aq):
        n = 0
        while not stop.is_set():
            answer = {"value": str(400 + n)}
            status, headers, body = _request(f"{base}/api/v1/exams/attempts/{attempt.pk}/answers/{aq.pk}", "PUT",
                                             {"response": answer}, cookies)
            results[aq.pk].append((time.monotonic(), status, headers.get("Retry-After"), body, answer))
            n += 1
            time.sleep(0.05)

    try:
        wait_for(lambda: _request(f"{base}/healthz")[0] == 200, 60, 0.3, what="gunicorn")
        threads = [threading.Thread(target=autosave, args=(aq,)) for aq in questions]
        for t in threads:
            t.start()
        time.sleep(2)
        proxy.cut()
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        back_at = time.monotonic()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        proxy.close()

    rows = [r for per in results.values() for r in per]
    statuses = {r[1] for r in rows}
    assert statuses <= {200, 503}, (statuses, [r[3][:300] for r in rows if r[1] not in (200, 503)][:3])
    refused = [r for r in rows if r[1] == 503]
    assert refused, "the cut was not seen"
    assert all(r[2] and int(r[2]) > 0 and json.loads(r[3])["detail"] for r in refused)
    for aq in questions:
        acked = [r for r in results[aq.pk] if r[1] == 200]
        assert acked, aq.pk
        aq.refresh_from_db()
        # The last answer acknowledged is the one kept: nothing acknowledged was lost, nothing refused was written.
        expected = grading.validate_response(aq.version.qtype, aq.version.key, options.from_client(aq, acked[-1][4]))
        assert aq.response == expected
    first_ok_after = min((r[0] for r in rows if r[1] == 200 and r[0] >= back_at), default=None)
    assert first_ok_after is not None, "the server did not resume by itself"
    recovered = first_ok_after - back_at
    record_property("db_outage_recovered_s", round(recovered, 2))
    print(f"\n[faults] PostgreSQL cut {OUTAGE_SECONDS} s under autosave: {len(rows)} saves, {len(refused)} answered "
          f"503 + Retry-After, 0 errors; first save acknowledged {recovered:.2f} s after the database came back")
