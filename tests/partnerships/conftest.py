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
