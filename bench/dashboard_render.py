"""School dashboard render time for 30, 300 and 3,000 students, side by side, on PostgreSQL.

    .venv/bin/python bench/dashboard_render.py [--runs 7] [--keep]

Uses the database flowstage_bench_dash on 127.0.0.1:5432 (user postgres; created if missing, migrated).
Each size is its own school (cohorts of <= 100 students); when the courses app and a demo course exist,
every student is enrolled in it with lesson completions and component marks (bulk inserts), so the cross-app
selectors do real work. Prints, per size: median and p90 of the full HTTP render (Django test client,
logged-in school staff), the number of SQL queries, and the ratios to the 30-student school.
Target: < 500 ms at 3,000 students.
"""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "flowstage_bench_dash"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
os.environ.setdefault("DEBUG", "0")

SIZES = (30, 300, 3000)


def ensure_database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def seed_size(n, course, lessons, components):
    import random
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from lms.accounts.models import User
    from partnerships.models import Cohort, CohortMembership, Programme, School, SchoolMember

    slug = f"bench-{n}"
    school, created = School.objects.get_or_create(slug=slug, defaults={"name": f"Bench school {n}", "category": "sound"})
    staff, _ = User.objects.get_or_create(email=f"staff-{n}@bench.test", defaults={"first_name": "Staff"})
    staff.groups.add(Group.objects.get_or_create(name="school_staff")[0])
    SchoolMember.objects.get_or_create(school=school, user=staff, role="staff")
    if CohortMembership.objects.filter(cohort__programme__school=school).count() == n:
        return school, staff
    rng = random.Random(n)
    programme, _ = Programme.objects.get_or_create(school=school, name="Ingénieur Son", defaults={"domain": "sound", "degree_level": 3})
    users = User.objects.bulk_create([User(email=f"s{i}-{n}@bench.test", first_name="Étudiant", last_name=f"{i:05d}")
                                      for i in range(n)], batch_size=1000)
    users = list(User.objects.filter(email__endswith=f"-{n}@bench.test").exclude(pk=staff.pk).order_by("pk"))
    memberships = []
    for start in range(0, n, 100):
        cohort, _ = Cohort.objects.get_or_create(programme=programme, graduation_year=2027 + start // 100,
                                                 defaults={"label": f"G{start // 100 + 1}"})
        memberships += [CohortMembership(cohort=cohort, user=u) for u in users[start:start + 100]]
    CohortMembership.objects.bulk_create(memberships, batch_size=2000)
    if course is not None:
        from courses.models import ComponentMark, Enrolment, LessonCompletion

        now = timezone.now()
        cohort_of = {m.user_id: m.cohort_id for m in memberships}
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(user=u, course=course, source="cohort", cohort_id=cohort_of[u.pk],
                       last_activity_at=now - timezone.timedelta(days=rng.randint(0, 30))) for u in users], batch_size=1000)
        completions, marks = [], []
        for e in enrolments:
            for lesson in lessons[: rng.randint(0, len(lessons))]:
                completions.append(LessonCompletion(enrolment=e, lesson=lesson))
            for c in components:
                marks.append(ComponentMark(enrolment=e, component_key=c.key, score=Decimal(rng.randint(30, 100))))
        LessonCompletion.objects.bulk_create(completions, batch_size=5000)
        ComponentMark.objects.bulk_create(marks, batch_size=5000)
    return school, staff


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    course, lessons, components = None, [], []
    try:
        import io

        from courses.models import CoursePage, LessonPage
        from lms import demo as lms_demo
        from partnerships import demo as partnerships_demo

        if not CoursePage.objects.exists():
            import courses.demo

            out = io.StringIO()
            partnerships_demo.seed(out)
            lms_demo.seed(out)
            courses.demo.seed(out)
        course = next((c for c in CoursePage.objects.live().order_by("path") if c.assessment_components.exists()), None)
        if course is not None:
            lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
            components = list(course.assessment_components.all())
    except Exception as exc:  # noqa: BLE001 - the bench still measures the partnerships side
        print(f"(no course data: {exc!r})")
    results = {}
    for n in SIZES:
        t0 = time.perf_counter()
        school, staff = seed_size(n, course, lessons, components)
        seed_s = time.perf_counter() - t0
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)
        url = reverse("school_dashboard", args=[school.slug])
        assert client.get(url).status_code == 200  # warm-up

        def measure():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            return times

        times = measure()
        # the dashboards' own part: the cross-app selectors stubbed (they return nothing, instantly)
        from lms.dashboards import selectors as dash

        stubs = [(dash.courses_selectors, "progress_by_user"), (dash.exams_selectors, "results_by_user"),
                 (dash.badges_selectors, "credentials_by_user")]
        real = [getattr(module, name) for module, name in stubs]
        for module, name in stubs:
            setattr(module, name, lambda ids: {})
        try:
            own = measure()
        finally:
            for (module, name), fn in zip(stubs, real):
                setattr(module, name, fn)
        counter = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: counter.append(sql) or execute(sql, params, many, context)):
            client.get(url)
        start = time.perf_counter()
        csv_response = client.get(reverse("school_dashboard_csv", args=[school.slug]))
        csv_lines = b"".join(csv_response.streaming_content).count(b"\n")
        csv_ms = (time.perf_counter() - start) * 1000
        results[n] = {"median": statistics.median(times), "p90": sorted(times)[int(0.9 * (len(times) - 1))],
                      "own": statistics.median(own), "queries": len(counter), "csv_ms": csv_ms, "csv_rows": csv_lines - 1, "seed_s": seed_s}
    base = results[SIZES[0]]
    print(f"\nSchool dashboard on PostgreSQL ({connection.settings_dict['NAME']}), {args.runs} runs each, "
          f"course data: {'yes (' + course.title + ')' if course else 'no'}")
    print(f"{'students':>9} | {'median ms':>9} | {'p90 ms':>7} | {'× vs 30':>7} | {'own part ms':>11} | {'× vs 30':>7} | "
          f"{'queries':>7} | {'CSV ms':>7} | {'CSV rows':>8}")
    for n, r in results.items():
        print(f"{n:>9} | {r['median']:>9.1f} | {r['p90']:>7.1f} | {r['median'] / base['median']:>7.2f} | {r['own']:>11.1f} | "
              f"{r['own'] / base['own']:>7.2f} | {r['queries']:>7} | {r['csv_ms']:>7.1f} | {r['csv_rows']:>8}")
    print("own part = the same page with the courses/exams/badges selectors stubbed (partnerships queries, "
          "metrics, charts, template)")
    verdict = "OK" if results[SIZES[-1]]["median"] < 500 else "ABOVE TARGET"
    print(f"target < 500 ms at {SIZES[-1]} students: {verdict}; same query count: "
          f"{len({r['queries'] for r in results.values()}) == 1}")


if __name__ == "__main__":
    main()
