"""Tiers, schools, partnerships and the price list are editable in the Wagtail and Django admins."""
import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return make_user(None, is_superuser=True, is_staff=True)


@pytest.mark.parametrize("model", ["tier", "entitlement", "school", "partnership", "invoice", "priceitem",
                                   "businessprojection"])
def test_wagtail_snippet_listing_and_add_forms(client, admin_user, tiers, model):
    client.force_login(admin_user)
    assert client.get(f"/admin/snippets/partnerships/{model}/").status_code == 200
    assert client.get(f"/admin/snippets/partnerships/{model}/add/").status_code == 200


def test_wagtail_tier_edit_changes_entitlements(client, admin_user, tiers, school_a):
    from decimal import Decimal

    from partnerships import entitlements as E
    from partnerships.models import Entitlement, Partnership

    Partnership.objects.create(school=school_a, tier=tiers["discovery"], status="active", annual_fee=Decimal(0))
    assert not E.school_has(school_a, E.FLOW_STAGE_READY_CERTIFICATION)
    client.force_login(admin_user)
    tier = tiers["discovery"]
    wanted = list(tier.entitlements.values_list("pk", flat=True)) + [
        Entitlement.objects.get(code=E.FLOW_STAGE_READY_CERTIFICATION).pk]
    r = client.post(f"/admin/snippets/partnerships/tier/edit/{tier.pk}/", {
        "code": tier.code, "name": tier.name, "rank": tier.rank, "annual_fee": "0.00", "entitlements": wanted})
    assert r.status_code == 302, r.content.decode()[:500]
    assert E.school_has(school_a, E.FLOW_STAGE_READY_CERTIFICATION)
    r = client.post(f"/admin/snippets/partnerships/tier/edit/{tier.pk}/", {
        "code": tier.code, "name": tier.name, "rank": tier.rank, "annual_fee": "-10", "entitlements": wanted})
    assert r.status_code == 200  # form error, nothing saved
    tier.refresh_from_db()
    assert tier.annual_fee == Decimal("0.00")


@pytest.mark.parametrize("model", ["tier", "school", "partnership", "invoice", "priceitem", "enterprisecontract"])
def test_django_admin_pages(client, admin_user, tiers, model):
    client.force_login(admin_user)
    assert client.get(f"/django-admin/partnerships/{model}/").status_code == 200
    assert client.get(f"/django-admin/partnerships/{model}/add/").status_code == 200
