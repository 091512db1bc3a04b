"""Flow Stage KPI dashboard: access, KPIs from real data, projection side by side."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lms.dashboards import selectors
from partnerships import demo, services
from partnerships.models import BusinessProjection, Invoice, Partnership, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(db):
    demo.seed(_Out())
    return True


class _Out:
    def write(self, *_):
        pass


def test_only_flowstage_staff(client, staff_a, fs_staff, business):
    client.force_login(staff_a)
    assert client.get(reverse("flowstage_dashboard")).status_code == 403
    client.force_login(fs_staff)
    r = client.get(reverse("flowstage_dashboard"))
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count("<svg") == 5
    assert "285" in body and "1 779" in body.replace("\u202f", " ").replace("\xa0", " ")


def test_projection_seeded_from_the_brief(business):
    rows = [(p.year, p.partner_schools, p.active_students, p.certifications, p.revenue_total)
            for p in BusinessProjection.objects.all()]
    assert rows == [(2026, 15, 500, 200, Decimal("285000")), (2027, 35, 1500, 800, Decimal("889000")),
                    (2028, 50, 3000, 1500, Decimal("1779000"))]


def test_kpis_from_data(business):
    k = selectors.flowstage_kpis(today=datetime.date(2026, 11, 25))
    live = Partnership.objects.filter(status__in=Partnership.LIVE_STATUSES).values("school").distinct().count()
    assert k["partner_schools"] == live
    assert sum(n for _, n in k["schools_by_tier"]) == live
    assert (k["renewed"], k["lapsed"], k["renewal_rate"]) == (1, 1, Decimal("50.0"))
    billed = sum(i.amount for i in Invoice.objects.filter(status__in=["sent", "paid"], period_start__year=2026))
    assert k["revenue_by_year"][2026]["partnerships"] == billed
    # enterprise: 999 + 6×199 + 2×2500 + 999 + 3×1200 + 4×199 + 2500 (2026 contracts of the demo)
    assert k["revenue_by_year"][2026]["enterprise"] == Decimal("15088.00")
    assert {p["partnership"].school.name for p in k["pilots"]} >= {"SAE Institute", "EICAR", "ISTS"}


def test_a_lapse_moves_the_renewal_rate(business):
    p = Partnership.objects.get(school=School.objects.get(name="École Georges Méliès"))
    services.lapse(p, on=datetime.date(2027, 1, 15))
    k = selectors.flowstage_kpis(today=datetime.date(2027, 1, 20))
    assert (k["renewed"], k["lapsed"]) == (1, 2)


def test_demo_seed_is_idempotent(business):
    counts = [m.objects.count() for m in (Invoice, Partnership, BusinessProjection)]
    demo.seed(_Out())
    assert [m.objects.count() for m in (Invoice, Partnership, BusinessProjection)] == counts
