"""Benchmark: bulk issuance through a real Celery worker on Redis (PostgreSQL database): N
credentials (default 1,500), each signed, with its QR code and baked PNG written to the media
storage. Prints credentials per second for 1 job on 1 worker process and for 4 jobs on a worker
with concurrency 4, beside the in-process rate of the same work without Celery.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/badges_bulk.py [N]
"""
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="badges-bench-media-"))
from badges_common import DB_URL, ROOT, achievement, setup_django  # noqa: E402


def make_users(n, tag):
    from lms.accounts.models import User

    existing = set(User.objects.filter(email__startswith=f"{tag}-").values_list("email", flat=True))
    User.objects.bulk_create([User(email=f"{tag}-{i}@example.test", password="!") for i in range(n)
                              if f"{tag}-{i}@example.test" not in existing], batch_size=1000)
    return list(User.objects.filter(email__startswith=f"{tag}-").order_by("pk").values_list("pk", flat=True))[:n]


def worker(concurrency):
    env = dict(os.environ, DATABASE_URL=DB_URL)
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "lms", "worker", "-P", "prefork",
                             "-c", str(concurrency), "--loglevel=WARNING", "-n", f"bench-badges-{concurrency}@%h"],
                            cwd=ROOT, env=env)
    from lms.celery import app

    deadline = time.time() + 60
    while time.time() < deadline and not app.control.ping(timeout=0.5):
        pass
    return proc


def run(jobs_count, concurrency, n, tag):
    from badges import services
    from badges.models import BulkIssuance
    from lms.accounts.models import User

    staff, _ = User.objects.get_or_create(email="bench-staff@example.test")
    users = make_users(n, tag)
    proc = worker(concurrency)
    try:
        start = time.perf_counter()
        chunk = (len(users) + jobs_count - 1) // jobs_count
        jobs = [services.start_bulk_issuance(achievement=achievement(), created_by=staff,
                                             recipients=[{"user_id": u} for u in users[i:i + chunk]])
                for i in range(0, len(users), chunk)]
        ids = [j.pk for j in jobs]
        while BulkIssuance.objects.filter(pk__in=ids).exclude(status="done").exists():
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        done = BulkIssuance.objects.filter(pk__in=ids)
        issued = sum(j.issued for j in done)
        failed = sum(j.failed for j in done)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return issued, failed, elapsed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    setup_django()
    from django.conf import settings

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "set REDIS_URL: this benchmark needs a real worker"
    from badges import services
    from lms.accounts.models import User

    run_tag = f"bench{int(time.time())}"
    # In-process reference: the same work (sign + QR + baked PNG), no Celery, 100 credentials.
    ref_users = User.objects.filter(pk__in=make_users(100, run_tag + "ref"))
    start = time.perf_counter()
    for u in ref_users:
        services.store_files(services.issue_credential(u, achievement(), notify=False).credential)
    ref = len(ref_users) / (time.perf_counter() - start)
    print(f"in process, no Celery (100 credentials)      {ref:7.1f} credentials/s")
    for jobs_count, conc in ((1, 1), (4, 4)):
        issued, failed, elapsed = run(jobs_count, conc, n, f"{run_tag}-{jobs_count}")
        rate = issued / elapsed
        print(f"Celery on Redis: {jobs_count} job(s), concurrency {conc}: {issued} issued, {failed} failed in "
              f"{elapsed:6.1f} s = {rate:7.1f} credentials/s ({rate / ref:.2f} x in process)")


if __name__ == "__main__":
    main()
