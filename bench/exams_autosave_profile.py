"""Where the CPU time of one autosave goes: N saves through Django's full request stack (WSGI handler, every
middleware, the bearer-token look-up, Django Ninja, the service and its transaction) against the benchmark's
PostgreSQL database, under cProfile. Prints the CPU time per save (time.process_time, without the profiler,
then with it), the queries per save and the functions that take the most of it.

    .venv/bin/python bench/exams_autosave_profile.py [--saves 300] [--top 25] [--sort cumulative|tottime]
"""
import argparse
import cProfile
import io
import json
import pstats
import random
import time

from exams_common import setup_django


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=300)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="cumulative")
    args = ap.parse_args()
    setup_django()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exams_autosave import prepare, responses_for

    plan = prepare(20, tag="autosave-profile")  # its own exam: a step test may be running on the other
    rng = random.Random(1)
    client = Client()
    jobs = []
    for i in range(args.saves * 3 + 70):  # fresh answers for each phase: every save writes
        c = plan[i % len(plan)]
        qid, qtype, shown = rng.choice(c["questions"])
        jobs.append((f"/api/v1/exams/attempts/{c['attempt']}/answers/{qid}", c["token"],
                     json.dumps({"response": responses_for(qtype, shown, rng)})))

    def run(batch):
        for path, token, body in batch:
            r = client.put(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
            assert r.status_code == 200, (r.status_code, r.content[:200])

    warm, probe = jobs[:20], jobs[20:70]
    jobs, jobs_profiled = jobs[70:70 + args.saves], jobs[70 + args.saves:70 + 2 * args.saves]
    run(warm)  # warm-up: imports, URL resolver, connection
    with CaptureQueriesContext(connection) as ctx:
        run(probe)
    per_save = len(ctx.captured_queries) / 50
    first_saves = [q["sql"][:300] for q in ctx.captured_queries[:12]]
    reset_queries()
    t0, w0 = time.process_time(), time.perf_counter()
    run(jobs)
    cpu, wall = (time.process_time() - t0) / len(jobs) * 1000, (time.perf_counter() - w0) / len(jobs) * 1000
    prof = cProfile.Profile(time.process_time)  # CPU time, not the wait on the database
    prof.enable()
    run(jobs_profiled)
    prof.disable()
    print(f"{len(jobs)} saves through the full stack (test client, bearer token, PostgreSQL): "
          f"CPU {cpu:.2f} ms per save (process time of this process: client + server side), "
          f"wall {wall:.2f} ms; {per_save:.1f} SQL queries per save")
    for sql in first_saves:
        print("   ", sql)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
