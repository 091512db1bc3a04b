"""School dashboard over HTTP: scoping (403), content, CSV export, constant query count."""
import csv
import io

import pytest
from django.urls import reverse

from tests.dashboards.conftest import add_students
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_home_redirects_staff_to_their_school(client, staff_a, school_a):
    client.force_login(staff_a)
    r = client.get(reverse("school_dashboard_home"))
    assert r.status_code == 302 and r["Location"] == reverse("school_dashboard", args=[school_a.slug])
    client.force_login(make_user("student"))
    assert client.get(reverse("school_dashboard_home")).status_code == 403


def test_staff_of_school_a_cannot_open_school_b(client, staff_a, school_b, cohort_b):
    client.force_login(staff_a)
    assert client.get(reverse("school_dashboard", args=[school_b.slug])).status_code == 403
    assert client.get(reverse("school_dashboard_csv", args=[school_b.slug])).status_code == 403


def test_dashboard_shows_students_aggregates_and_charts(client, staff_a, cohort_a, fake_selectors):
    add_students(cohort_a, 30)
    client.force_login(staff_a)
    r = client.get(reverse("school_dashboard", args=[cohort_a.programme.school.slug]))
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count("<svg") == 2
    assert "Contrôle continu" in body and "Flow Stage Ready" in body
    agg = r.context["agg"]
    assert agg.students == 30 and agg.at_risk > 0 and agg.average_grade is not None
    assert len(r.context["table_rows"]) == 30


def test_flowstage_staff_open_any_school(client, fs_staff, cohort_b, fake_selectors):
    add_students(cohort_b, 3)
    client.force_login(fs_staff)
    assert client.get(reverse("school_dashboard", args=[cohort_b.programme.school.slug])).status_code == 200


def test_csv_exports_stream_every_row(client, staff_a, cohort_a, fake_selectors):
    add_students(cohort_a, 250)  # more than one page of the on-screen table
    client.force_login(staff_a)
    slug = cohort_a.programme.school.slug
    r = client.get(reverse("school_dashboard_csv", args=[slug]) + f"?table=students&cohort={cohort_a.pk}")
    assert r.status_code == 200 and r.streaming and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert rows[0][:3] == ["cohort", "student", "email"] and "Contrôle continu" in rows[0]
    assert len(rows) == 251
    r = client.get(reverse("school_dashboard_csv", args=[slug]) + "?table=summary")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert rows[1][2] == "250"
    page2 = client.get(reverse("school_dashboard", args=[slug]) + f"?cohort={cohort_a.pk}&page=3")
    assert len(page2.context["table_rows"]) == 50


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_same_number_of_queries_for_30_and_3000_students(client, staff_a, school_a, fake_selectors):
    from partnerships.models import Cohort, Programme

    prog = Programme.objects.create(school=school_a, name="Cinéma", domain="cinema", degree_level=3)
    small = Cohort.objects.create(programme=prog, graduation_year=2026, label="M1")
    add_students(small, 30)
    client.force_login(staff_a)
    url = reverse("school_dashboard", args=[school_a.slug])
    client.get(url)  # warm caches (session, roles)
    with_30 = _count_queries(client, url)
    big = Cohort.objects.create(programme=prog, graduation_year=2027, label="M2")
    add_students(big, 2970)
    with_3000 = _count_queries(client, url)
    assert with_30 == with_3000
