"""Demo data for the dashboards: students in La Fémis's "L3 Ingénieur Son 2027" (Marie's cohort) and a
second cohort "M2 Cinéma 2026", with a realistic spread of course progress, marks and a few certification
attempts; pilot-school cohorts so the pilot targets (50 students) show progress.

Run after courses.demo and exams.demo (seed_demo STEPS: after "lms.demo_history"). Idempotent: users and
memberships are get_or_create, courses/marks are only added when missing, random choices are seeded.
"""
import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from lms.accounts import roles
from lms.accounts.models import User
from partnerships.models import Cohort, CohortMembership, Programme, School

FIRST = ["Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Arthur", "Jade", "Raphaël", "Camille",
         "Jules", "Sarah", "Adam", "Lina", "Nathan", "Zoé", "Théo", "Alice", "Tom", "Clara", "Noah", "Anna",
         "Ethan", "Rose", "Paul", "Mila", "Sacha", "Lou", "Victor"]
LAST = ["Bernard", "Thomas", "Robert", "Richard", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
        "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André",
        "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau"]

# (school, programme, domain, graduation year, label, number of students)
COHORTS = [
    ("La Fémis", "Ingénieur Son", "sound", 2027, "L3", 26),
    ("La Fémis", "Cinéma", "cinema", 2026, "M2", 22),
    ("SAE Institute", "Audio Engineering", "sound", 2027, "Bachelor 3", 38),
    ("EICAR", "Réalisation", "cinema", 2027, "B3", 50),
    ("ISTS", "Régie lumière", "lighting", 2027, "DMA", 27),
    ("ENS Louis-Lumière", "Son", "sound", 2028, "M1", 30),
]
WITH_PROGRESS = {"La Fémis"}


def _students(cohort, n, rng, domain):
    group = Group.objects.get_or_create(name=roles.STUDENT)[0]
    slug = cohort.programme.school.name.lower().replace(" ", "").replace("é", "e").replace("-", "")[:12]
    users = []
    for i in range(n):
        email = f"{slug}.{cohort.graduation_year}.{cohort.programme.domain}.{i + 1:02d}@demo.flowstage.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            first, last = FIRST[(i * 7 + cohort.pk) % len(FIRST)], LAST[(i * 11 + cohort.pk * 3) % len(LAST)]
            user = User(email=email, first_name=first, last_name=last, display_name=f"{first} {last}")
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        CohortMembership.objects.get_or_create(cohort=cohort, user=user)
        users.append(user)
    return users


def _progress(cohort, rng, out_notes):
    try:
        from courses import services as cs
        from courses.models import ComponentMark, CoursePage, Enrolment, LessonCompletion, LessonPage
    except ImportError:
        return
    staff = User.objects.filter(email="staff@demo.flowstage.test").first()
    if staff is None:
        return
    locale_courses = [c for c in CoursePage.objects.live().filter(locale=cs.default_locale()).order_by("path")]
    courses = [c for c in locale_courses if c.assessment_components.exists()][:2]
    now = timezone.now()
    for course in courses:
        try:
            with transaction.atomic():
                cs.enrol_cohort(cohort, course, staff)
        except Exception as exc:  # noqa: BLE001 - demo: a course may refuse (unpublished…)
            out_notes.append(f"{course.code}: {exc}")
            continue
        lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
        components = list(course.assessment_components.all())
        enrolments = Enrolment.objects.filter(course=course, cohort=cohort).select_related("user")
        for e in enrolments:
            if e.user.email.startswith("marie.dubois"):
                continue  # Marie's own history is seeded by the other demos
            local = random.Random(f"{e.user.email}/{course.pk}")
            profile = local.choice(["star", "good", "good", "average", "average", "late", "idle"])
            share = {"star": 1.0, "good": local.uniform(.7, 1), "average": local.uniform(.4, .75),
                     "late": local.uniform(.1, .4), "idle": local.uniform(0, .2)}[profile]
            n_done = round(len(lessons) * share)
            if not LessonCompletion.objects.filter(enrolment=e).exists():
                for lesson in lessons[:n_done]:
                    if not lesson.validated_by_internship:  # that part is validated by the internship's report
                        cs.complete_lesson(e.user, lesson)
            days = {"star": 1, "good": local.randint(1, 6), "average": local.randint(3, 12),
                    "late": local.randint(10, 25), "idle": local.randint(20, 60)}[profile]
            Enrolment.objects.filter(pk=e.pk).update(last_activity_at=now - timedelta(days=days, hours=local.randint(0, 20)))
            if ComponentMark.objects.filter(enrolment=e).exists() or profile == "idle":
                continue
            base = {"star": 88, "good": 74, "average": 62, "late": 48}[profile]
            for comp in components[: max(1, len(components) - (0 if n_done == len(lessons) else 1))]:
                try:
                    with transaction.atomic():
                        value = max(0, min(100, base + local.randint(-10, 10)))
                        if comp.automatic:  # the certification's result, not a teacher's typing
                            cs.record_certification_result(e.user_id, Decimal(value))
                        else:
                            cs.set_component_mark(e, comp.key, str(value), "percent", staff)
                except Exception:  # noqa: BLE001
                    break


def _certifications(cohort, rng):
    try:
        from exams import demo as exams_demo
        from exams.models import Certification
    except ImportError:
        return 0
    sit = getattr(exams_demo, "_sit", None)  # TODO(integration): a public "demo attempt" helper of exams
    cert = Certification.objects.order_by("pk").first()
    examiner = User.objects.filter(email="examiner@demo.flowstage.test").first()
    if sit is None or cert is None or examiner is None:
        return 0
    members = list(CohortMembership.objects.filter(cohort=cohort).select_related("user").order_by("user__email"))
    n = 0
    for i, m in enumerate(members[:10]):
        if m.user.email.startswith(("marie.", "lucas.", "emma.")):
            continue
        local = random.Random(m.user.email)
        try:
            with transaction.atomic():
                sit(cert, m.user, examiner, local.choice([.95, .85, .8, .7, .55]),
                    [local.randint(1, 3) for _ in range(3)], days_ago=5 + i * 4)
            n += 1
        except Exception:  # noqa: BLE001 - prerequisites or exam state may refuse
            continue
    return n


def seed(out):
    rng = random.Random(2026)
    notes = []
    total = 0
    for school_name, prog_name, domain, year, label, n in COHORTS:
        school = School.objects.filter(name=school_name).first()
        if school is None:
            continue
        programme, _ = Programme.objects.get_or_create(school=school, name=prog_name,
                                                      defaults={"domain": domain, "degree_level": 3})
        cohort, _ = Cohort.objects.get_or_create(programme=programme, graduation_year=year, defaults={"label": label})
        _students(cohort, n, rng, domain)
        total += n
        if school_name in WITH_PROGRESS:
            _progress(cohort, rng, notes)
            if year == 2027:
                _certifications(cohort, rng)
    out.write(f"  dashboards: {total} demo students in {len(COHORTS)} cohorts"
              + (f" ({'; '.join(notes)})" if notes else ""))
