"""Tiers as data: school_has follows the tier's entitlements; fees cannot be negative."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from partnerships import entitlements as E
from partnerships import services
from partnerships.forms import TierForm
from partnerships.models import Entitlement, Partnership, Tier

pytestmark = pytest.mark.django_db


def test_tiers_grant_cumulative_entitlements(school_a, tiers):
    p = Partnership.objects.create(school=school_a, tier=tiers["certified"], status="active",
                                   annual_fee=Decimal("2500"))
    assert E.school_has(school_a, E.FLOW_STAGE_READY_CERTIFICATION)
    assert E.school_has(school_a, E.CAREER_WORKSHOPS)
    assert not E.school_has(school_a, E.CO_CREATED_MODULES)
    services.change_tier(p, tiers["premium"])
    assert E.school_has(school_a, E.CO_CREATED_MODULES)
    assert not E.school_has(school_a, E.INCUBATOR)
    assert not E.school_has(None, E.CAREER_WORKSHOPS)


def test_changing_a_tier_entitlement_changes_school_has_without_code(school_a, tiers):
    Partnership.objects.create(school=school_a, tier=tiers["certified"], status="active", annual_fee=Decimal("2500"))
    assert not E.school_has(school_a, E.CO_CREATED_MODULES)
    # staff edit the tier (admin form = data), granting co-created modules to Certified
    tier = tiers["certified"]
    codes = set(tier.entitlements.values_list("pk", flat=True)) | {Entitlement.objects.get(code=E.CO_CREATED_MODULES).pk}
    form = TierForm({"code": tier.code, "name": tier.name, "rank": tier.rank, "annual_fee": "2500.00",
                     "entitlements": list(codes)}, instance=tier)
    assert form.is_valid(), form.errors
    form.save()
    assert E.school_has(school_a, E.CO_CREATED_MODULES)
    tier.entitlements.remove(Entitlement.objects.get(code=E.FLOW_STAGE_READY_CERTIFICATION))
    assert not E.school_has(school_a, E.FLOW_STAGE_READY_CERTIFICATION)


def test_only_live_partnerships_grant(school_a, tiers):
    p = Partnership.objects.create(school=school_a, tier=tiers["strategic"], status="prospect", annual_fee=0)
    assert not E.school_has(school_a, E.CAREER_WORKSHOPS)
    services.start_pilot(p, start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 6, 30))
    assert E.school_has(school_a, E.INCUBATOR)
    services.lapse(p)
    assert not E.school_has(school_a, E.INCUBATOR)
    assert E.school_entitlements(school_a) == set()


def test_negative_fee_is_a_form_error_and_a_database_constraint(tiers):
    form = TierForm({"code": "bad", "name": "Bad", "rank": 9, "annual_fee": "-1.00", "entitlements": []})
    assert not form.is_valid()
    assert "annual_fee" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.create(code="bad", name="Bad", rank=9, annual_fee=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(school_id=None or tiers["premium"].pk and _school(), tier=tiers["premium"],
                                   annual_fee=Decimal("-5"))


def _school():
    from partnerships.models import School

    return School.objects.create(name="Z", slug="z", category="sound").pk


def test_tier_fees_from_the_brief(tiers):
    assert [(t.name, t.annual_fee) for t in Tier.objects.order_by("rank")] == [
        ("Discovery", Decimal("0.00")), ("Certified", Decimal("2500.00")), ("Premium", Decimal("8500.00")),
        ("Strategic", Decimal("25000.00"))]
