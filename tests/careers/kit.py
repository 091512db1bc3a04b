"""Builders for careers tests: a school with the internship database, a student with a profile that fits live sound,
an employer with staff and contracts, offers saved through the services (French law checked)."""
import datetime
import itertools
from dataclasses import replace
from decimal import Decimal

from careers import services
from lms.accounts import services as account_services
from lms.accounts.models import AvailabilityPeriod, LanguageSkill, SectorPreference, Specialisation, TargetRole
from partnerships import entitlements as E
from partnerships.models import (
    Cohort, CohortMembership, Employer, EnterpriseContract, Entitlement, Partnership, PriceItem, Programme, School,
    SchoolMember, Tier,
)
from tests.factories import make_user

TODAY = datetime.date(2026, 11, 30)
_seq = itertools.count(1)


DEFAULT_CODES = (E.INTERNSHIP_DATABASE, E.APPRENTICESHIP_PROGRAMME, E.PRIORITY_JOB_ACCESS, E.SUPERVISED_INTERNSHIPS)


def school(codes=DEFAULT_CODES, name="École"):
    n = next(_seq)
    s = School.objects.create(name=f"{name} {n}", slug=f"ecole-{n}", city="Paris", category="sound")
    tier = Tier.objects.create(code=f"tier-{n}", name=f"Tier {n}", rank=200 + n, annual_fee=Decimal("0"))
    for code in codes:
        tier.entitlements.add(Entitlement.objects.get_or_create(code=code, defaults={"name": code})[0])
    Partnership.objects.create(school=s, tier=tier, status="active", annual_fee=Decimal("0"))
    return s


def staff_of(s):
    user = make_user("school_staff")
    SchoolMember.objects.create(school=s, user=user, role="staff")
    return user


def student(s=None, *, email=None, fits=True, domain="sound"):
    """A student of school ``s``; ``fits``: a live-sound profile available May–July 2027 who lives in Paris."""
    user = make_user("student", **({"email": email} if email else {}))
    if s is not None:
        prog, _ = Programme.objects.get_or_create(school=s, name=f"Prog {domain}",
                                                  defaults={"domain": domain, "degree_level": 3})
        cohort, _ = Cohort.objects.get_or_create(programme=prog, graduation_year=2027, defaults={"label": "L3"})
        CohortMembership.objects.create(cohort=cohort, user=user)
    if fits:
        p = account_services.get_or_create_profile(user)
        p.mobility, p.salary_min = "national", Decimal("600")
        p.save()
        for name, level in [("Mixage façade (FOH)", 4), ("Câblage et patch", 4)]:
            account_services.set_skill_level(p, name, level)
        account_services.set_skill_level(p, "Pro Tools", 4, software=True)
        Specialisation.objects.create(profile=p, name="Sonorisation live")
        TargetRole.objects.create(profile=p, title="Assistant ingénieur façade")
        SectorPreference.objects.create(profile=p, sector="live")
        LanguageSkill.objects.create(profile=p, language="Anglais", level="B2")
        AvailabilityPeriod.objects.create(profile=p, start=datetime.date(2027, 5, 1), end=datetime.date(2027, 7, 31))
        services.save_career_profile(user, postcode="75020", city="Paris", genres=["rock"], venue_sizes=["1k5k"])
    return user


def employer(name=None, *, contracts=()):
    n = next(_seq)
    e = Employer.objects.create(name=name or f"Employer {n}", slug=f"employer-{n}", city="Paris")
    staff = make_user("employer")
    e.members.add(staff)
    for code, qty, signed in contracts:
        item = PriceItem.objects.get_or_create(code=code, defaults={
            "segment": "enterprise", "name": code, "unit_price": Decimal("199" if code == "priority_offer" else "999"),
            "unit": "offer" if code == "priority_offer" else "year"})[0]
        EnterpriseContract.objects.create(employer=e, item=item, quantity=Decimal(qty), unit_price=item.unit_price,
                                          signed_on=signed)
    return e, staff


def data(**kw) -> services.OfferData:
    base = services.OfferData(
        kind="internship", title="Assistant Ingénieur FOH", specialisation="sound", sector="live",
        genres=("rock", "electro"), venue_size="1k5k", postcode="75011", city="Paris 11e",
        start_date=datetime.date(2027, 5, 3), end_date=datetime.date(2027, 7, 30), pay_monthly=Decimal("700"),
        tutor_name="Jean Martin", tutor_role="Ingénieur façade", tutor_years=15, expires_on=datetime.date(2027, 4, 20),
        requirements=(("Mixage façade (FOH)", 4, True, False), ("Câblage et patch", 3, True, False)),
        languages=(("Anglais", "B1", True),))
    return replace(base, **kw)


def offer(emp, staff, publish=True, **kw):
    o = services.save_offer(emp, data(**kw), by=staff, day=TODAY)
    if publish:
        o = services.publish_offer(o, by=staff, day=TODAY)
    return o
