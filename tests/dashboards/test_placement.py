"""Placement on the school dashboard (gated by "placement_statistics", CSV export), the KPI page's §7 figures,
service requests (gated by the tier, cross-school attacks), bounded queries."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careers.models import Agreement, Application, Offer, Outcome, SatisfactionAnswer
from lms.dashboards import placement
from partnerships import entitlements as E
from partnerships import services as partnership_services
from partnerships.models import (
    BusinessProjection, Cohort, CohortMembership, Employer, Entitlement, Partnership, Programme, ServiceRequest,
)
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def _grant(school, *codes):
    tier = Partnership.objects.get(school=school).tier
    for code in codes:
        tier.entitlements.add(Entitlement.objects.get_or_create(code=code, defaults={"name": code})[0])


def _alumni(school, n, graduated, prefix):
    prog = Programme.objects.create(school=school, name=f"Son {prefix}", domain="sound", degree_level=3)
    cohort = Cohort.objects.create(programme=prog, graduation_year=graduated.year, graduation_date=graduated,
                                   label=prefix)
    users = [make_user("student", email=f"{prefix}{i}@example.test") for i in range(n)]
    for u in users:
        CohortMembership.objects.create(cohort=cohort, user=u)
    return cohort, users


def _placement(user, employer, school, start, end):
    offer = Offer.objects.create(employer=employer, title="Stage", specialisation="sound", postcode="75011",
                                 city="Paris", start_date=start, end_date=end, pay_monthly=Decimal("700"),
                                 tutor_name="T", status="filled", expires_on=start)
    app = Application.objects.create(offer=offer, student=user, message="m", status="accepted", consent_parts=[],
                                     consent_given_at=timezone.now(), score=Decimal("50"))
    return Agreement.objects.create(application=app, school=school, kind="internship", status="signed",
                                    activities="a", start_date=start, end_date=end, weekly_hours=Decimal("35"),
                                    monthly_pay=Decimal("700"), pay_terms="p", tutor_name="T", absence_terms="a",
                                    insurer="I", insurance_policy="P")


def _outcome(user, school, status, started, employer=None, stage="graduation"):
    return Outcome.objects.create(student=user, school=school, stage=stage, status=status, started_on=started,
                                  employer=employer, employer_name=employer.name if employer else "x", source="staff")


@pytest.fixture
def setup():
    a, b = kit.school(name="Ecole A"), kit.school(name="Ecole B")
    _grant(a, E.PLACEMENT_STATISTICS, E.CAREER_WORKSHOPS)
    employer = Employer.objects.create(name="Sonotec", slug="sonotec")
    graduated = TODAY - datetime.timedelta(days=400)
    cohort, users = _alumni(a, 4, graduated, "alu")
    for u in users:
        _placement(u, employer, a, graduated - datetime.timedelta(days=120), graduated - datetime.timedelta(days=30))
    _outcome(users[0], a, "cdi", graduated + datetime.timedelta(days=10), employer)   # converted, employed
    _outcome(users[1], a, "freelance", graduated + datetime.timedelta(days=40))       # employed, not converted
    _outcome(users[2], a, "searching", graduated + datetime.timedelta(days=40))
    return {"a": a, "b": b, "cohort": cohort, "users": users, "employer": employer,
            "staff": kit.staff_of(a), "other_staff": kit.staff_of(b), "graduated": graduated}


def test_school_placement_figures(setup):
    p = placement.school_placement(setup["a"])
    assert p["allowed"] and p["states"]["completed"] == 4
    assert (p["conversion"].part, p["conversion"].whole, p["conversion"].pct) == (1, 4, Decimal("25.0"))
    assert (p["employment"].part, p["employment"].whole, p["employment"].pct) == (2, 4, Decimal("50.0"))
    row = next(r for r in p["rows"] if r.cohort_id == setup["cohort"].pk)
    assert row.breakdown == {"cdi": 1, "cdd": 0, "freelance": 1, "study": 0, "searching": 1, "unknown": 1}


def test_dashboard_shows_placement_and_exports_it(client, setup):
    client.force_login(setup["staff"])
    page = client.get(reverse("school_dashboard", args=[setup["a"].slug]))
    assert page.status_code == 200
    assert b'data-testid="placement-table"' in page.content and b"placement-locked" not in page.content
    r = client.get(reverse("school_dashboard_csv", args=[setup["a"].slug]) + "?table=placement")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    line = next(x for x in rows[1:] if x[1] == setup["graduated"].isoformat())
    header = rows[0]
    assert line[header.index("converted_to_job")] == "1" and line[header.index("employment_rate_pct")] == "50.0"


def test_without_the_entitlement_the_school_sees_what_it_would_get_and_export_is_403(client, setup):
    client.force_login(setup["other_staff"])
    page = client.get(reverse("school_dashboard", args=[setup["b"].slug]))
    assert page.status_code == 200
    assert b'data-testid="placement-locked"' in page.content and b"placement-table" not in page.content
    r = client.get(reverse("school_dashboard_csv", args=[setup["b"].slug]) + "?table=placement")
    assert r.status_code == 403


def test_other_school_staff_cannot_export_placement(client, setup):
    client.force_login(setup["other_staff"])
    assert client.get(reverse("school_dashboard_csv", args=[setup["a"].slug]) + "?table=placement").status_code == 403


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_school_placement_queries_bounded(setup):
    few = _queries(lambda: placement.school_placement(setup["a"]))
    cohort, users = _alumni(setup["a"], 40, setup["graduated"], "more")
    for u in users:
        _placement(u, setup["employer"], setup["a"], setup["graduated"] - datetime.timedelta(days=90),
                   setup["graduated"] - datetime.timedelta(days=10))
        _outcome(u, setup["a"], "cdd", setup["graduated"] + datetime.timedelta(days=3), setup["employer"])
    assert _queries(lambda: placement.school_placement(setup["a"])) == few <= 7


def test_flowstage_placement_figures_and_bounded_queries(setup):
    BusinessProjection.objects.update_or_create(year=TODAY.year, defaults=dict(
        label="Y", partner_schools=1, active_students=1, certifications=1, recruiting_companies=4,
        revenue_partnerships=0, revenue_certifications=0, revenue_enterprise=0, revenue_continuing=0))
    u = setup["users"][3]
    _outcome(u, setup["a"], "cdd", TODAY - datetime.timedelta(days=1), setup["employer"])
    for score, user in zip([10, 9, 3], setup["users"]):
        SatisfactionAnswer.objects.create(student=user, subject="internship", score=score, answered_at=timezone.now(),
                                          agreement=Agreement.objects.get(application__student=user))
    n = _queries(lambda: placement.flowstage_placement())
    k = placement.flowstage_placement()
    assert k["recruiting"] == 1 and k["recruiting_target"] == 4 and k["recruiting_ratio"] == Decimal("25.0")
    assert k["nps_internships"].score == Decimal("33.3") and k["nps_modules"].answers == 0
    assert k["nps_all"].distribution[10] == 1
    more = _alumni(setup["a"], 30, setup["graduated"], "kpi")[1]
    for user in more:
        SatisfactionAnswer.objects.create(student=user, subject="internship", score=8, answered_at=timezone.now(),
                                          agreement=_placement(user, setup["employer"], setup["a"],
                                                               D(2025, 1, 1), D(2025, 3, 1)))
    assert _queries(lambda: placement.flowstage_placement()) == n <= 8


def test_kpi_page_shows_the_figures_and_definitions(client, setup):
    staff = make_user("flowstage_staff")
    client.force_login(staff)
    r = client.get(reverse("flowstage_dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-block="placement-kpis"' in body and 'data-testid="definitions"' in body
    assert "Employabilité des diplômés" in body and "50 %" in body


# --- service requests ---------------------------------------------------------------------------------------------

def test_school_requests_a_service_its_tier_grants(client, setup):
    client.force_login(setup["staff"])
    url = reverse("partnerships:service_requests", args=[setup["a"].slug])
    assert client.get(url).status_code == 200
    wished = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert client.post(url, {"entitlement": E.CAREER_WORKSHOPS, "wished_on": wished, "note": "L3"}).status_code == 302
    r = ServiceRequest.objects.get(school=setup["a"])
    assert (r.status, r.requested_by) == ("requested", setup["staff"])
    # not granted by the tier: 403 with the reason; not a service: 422; a bad date: 422
    refused = client.post(url, {"entitlement": E.EXPERT_TALKS})
    assert refused.status_code == 403 and "niveau de partenariat" in refused.content.decode()
    assert client.post(url, {"entitlement": E.PLACEMENT_STATISTICS}).status_code == 422
    assert client.post(url, {"entitlement": E.CAREER_WORKSHOPS, "wished_on": "demain"}).status_code == 422
    assert client.post(url, {"entitlement": E.CAREER_WORKSHOPS, "wished_on": "2001-01-01"}).status_code == 422
    assert ServiceRequest.objects.count() == 1


def test_another_schools_staff_cannot_request_or_read(client, setup):
    client.force_login(setup["other_staff"])
    url = reverse("partnerships:service_requests", args=[setup["a"].slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"entitlement": E.CAREER_WORKSHOPS}).status_code == 403
    with pytest.raises(partnership_services.ServiceRefused) as exc:
        partnership_services.request_service(setup["a"], E.CAREER_WORKSHOPS, by=setup["other_staff"])
    assert exc.value.status == 403
    assert not ServiceRequest.objects.exists()


def test_flowstage_schedules_and_delivers_and_counts(client, setup):
    r = partnership_services.request_service(setup["a"], E.CAREER_WORKSHOPS, by=setup["staff"])
    client.force_login(setup["staff"])
    assert client.post(reverse("partnerships:service_request_handle", args=[r.pk]),
                       {"action": "deliver", "on": TODAY.isoformat()}).status_code == 403
    staff = make_user("flowstage_staff")
    client.force_login(staff)
    assert client.get(reverse("partnerships:service_requests_all")).status_code == 200
    url = reverse("partnerships:service_request_handle", args=[r.pk])
    assert client.post(url, {"action": "schedule", "on": ""}).status_code == 422
    assert client.post(url, {"action": "schedule", "on": (TODAY + datetime.timedelta(days=5)).isoformat()}).status_code == 302
    future = (TODAY + datetime.timedelta(days=5)).isoformat()
    assert client.post(url, {"action": "deliver", "on": future}).status_code == 422
    assert client.post(url, {"action": "deliver", "on": TODAY.isoformat()}).status_code == 302
    assert client.post(url, {"action": "cancel"}).status_code == 409
    r.refresh_from_db()
    assert (r.status, r.delivered_on, r.handled_by) == ("delivered", TODAY, staff)
    assert r.history.count() == 3
    assert placement.service_counts(setup["a"])["delivered"] == 1
    assert placement.school_placement(setup["a"])["services"]["delivered"] == 1
    assert placement.flowstage_placement()["services"]["delivered"] == 1


@pytest.mark.parametrize("lang,value,expected", [
    ("fr", Decimal("20.0"), "+20"), ("fr", Decimal("-5.5"), "−5,5"), ("en", Decimal("-5.5"), "−5.5"),
    ("fr", Decimal("0.0"), "0"), ("fr", None, "—"), ("en", Decimal("33.3"), "+33.3"),
])
def test_nps_formatting(lang, value, expected):
    from django.utils import translation

    from lms.dashboards.views import _nps

    with translation.override(lang):
        assert _nps(value) == expected
