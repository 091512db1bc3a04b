import datetime
from decimal import Decimal

import pytest

from partnerships.models import Cohort, Partnership, Programme, School, SchoolMember
from tests.factories import make_user


@pytest.fixture
def tiers(db):
    """The brief's tiers with their cumulative entitlements (partnerships.demo's data, without the rest)."""
    from partnerships import demo
    from partnerships.models import Entitlement, Tier

    tiers = {}
    for code, name, rank, fee in demo.TIERS:
        tiers[code], _ = Tier.objects.update_or_create(code=code, defaults={"name": name, "rank": rank, "annual_fee": fee})
    order = [t[0] for t in demo.TIERS]
    for code, fr, en, first in demo.ENTITLEMENTS:
        ent, _ = Entitlement.objects.update_or_create(code=code, defaults={"name": fr, "name_en": en})
        for t in order[order.index(first):]:
            tiers[t].entitlements.add(ent)
    return tiers


@pytest.fixture
def school_a(db):
    return School.objects.create(name="École A", slug="ecole-a", city="Paris", category="sound")


@pytest.fixture
def school_b(db):
    return School.objects.create(name="École B", slug="ecole-b", city="Lyon", category="cinema")


@pytest.fixture
def staff_a(school_a):
    user = make_user("school_staff")
    SchoolMember.objects.create(school=school_a, user=user, role="staff")
    return user


@pytest.fixture
def staff_b(school_b):
    user = make_user("school_staff")
    SchoolMember.objects.create(school=school_b, user=user, role="staff")
    return user


@pytest.fixture
def cohort_a(school_a):
    prog = Programme.objects.create(school=school_a, name="Ingénieur Son", domain="sound", degree_level=3)
    return Cohort.objects.create(programme=prog, graduation_year=2027, label="L3")


@pytest.fixture
def cohort_b(school_b):
    prog = Programme.objects.create(school=school_b, name="Cinéma", domain="cinema", degree_level=3)
    return Cohort.objects.create(programme=prog, graduation_year=2027, label="L3")


@pytest.fixture
def partnership_a(school_a, tiers):
    return Partnership.objects.create(
        school=school_a, tier=tiers["premium"], status="active", start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2027, 1, 4), annual_fee=Decimal("8500.00"))


@pytest.fixture
def fake_selectors(monkeypatch):
    """Replace the cross-app selectors with deterministic fakes (no queries)."""
    from datetime import timedelta
    from decimal import Decimal as D

    from django.utils import timezone

    from lms.dashboards import selectors as dash

    now = timezone.now()

    def progress_by_user(ids):
        return {uid: [{"course_id": 1, "course_title": "Industrie musicale 4.0", "progress_pct": D(uid * 7 % 101),
                       "grade_pct": D(50 + uid % 40), "passed": uid % 5 != 0,
                       "components": {"Contrôle continu": D(60), "Projet pratique": D(70), "Certification": None},
                       "last_activity": now - timedelta(days=uid % 20)}] for uid in ids}

    def results_by_user(ids):
        return {uid: [{"exam_id": 1, "exam_title": "Audio Engineer", "certification": "Audio Engineer — Flow Stage Ready",
                       "attempts": 1, "best_score": D(60 + uid % 30), "passed": uid % 3 == 0,
                       "status": "passed" if uid % 3 == 0 else "failed", "last_attempt_at": now}] for uid in ids if uid % 2}

    def credentials_by_user(ids):
        return {uid: [{"id": 1, "name": "Flow Stage Ready", "status": "valid"}] for uid in ids if uid % 3 == 0 and uid % 2}

    fakes = {"progress_by_user": progress_by_user, "results_by_user": results_by_user,
             "credentials_by_user": credentials_by_user, "last_activity_by_user": lambda ids: {}}
    real = dash._call

    def fake_call(module_name, selector, *args, default=None):
        if selector in fakes:
            return fakes[selector](*args)
        return real(module_name, selector, *args, default=default)

    monkeypatch.setattr(dash, "_call", fake_call)
    return fakes


def add_students(cohort, n, prefix="s"):
    from lms.accounts.models import User
    from partnerships.models import CohortMembership

    users = User.objects.bulk_create([User(email=f"{prefix}{cohort.pk}-{i}@example.test", first_name="S", last_name=f"N{i:05d}")
                                      for i in range(n)])
    users = list(User.objects.filter(email__startswith=f"{prefix}{cohort.pk}-"))
    CohortMembership.objects.bulk_create([CohortMembership(cohort=cohort, user=u) for u in users])
    return users
