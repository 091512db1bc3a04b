"""Plurals, numbers and money in the reader's language (issue 15, item 6): Django's plural forms and localized
formatting on the KPI page, one money format everywhere money is shown."""
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lms.money import format_kilo_money, format_money, localized_number, short_number
from partnerships import demo

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def _plain(html: str) -> str:
    return html.replace("\u202f", " ").replace(NBSP, " ")


class _Out:
    def write(self, *_):
        pass


@pytest.mark.parametrize("lang, expected", [
    ("fr", ["149,00 €", "12 500 €", "1,5 M", "12,5 k", "250", "62,5", "1 234", "13 k€", "—"]),
    ("en", ["€149.00", "€12,500", "1.5M", "12.5k", "250", "62.5", "1,234", "€13k", "—"]),
])
def test_money_and_numbers_follow_the_language(lang, expected):
    with translation.override(lang):
        got = [format_money(Decimal("149")), format_money(12500, 0), short_number(1_500_000), short_number(12_500),
               short_number(250), localized_number(Decimal("62.50")), localized_number(1234),
               format_kilo_money(Decimal("12500")), format_money(None)]
        # French keeps the number and the symbol together (non-breaking space)
        if lang == "fr":
            assert format_money(Decimal("149")) == f"149,00{NBSP}€"
    assert [_plain(g) for g in got] == expected


def test_money_filter_in_templates():
    tpl = Template("{% load money %}{{ p|money }} | {{ p|money:0 }} | {{ n|number }}")
    with translation.override("fr"):
        assert _plain(tpl.render(Context({"p": Decimal("1499.5"), "n": 12000}))) == "1 499,50 € | 1 500 € | 12 000"
    with translation.override("en"):
        assert tpl.render(Context({"p": Decimal("1499.5"), "n": 12000})) == "€1,499.50 | €1,500 | 12,000"


def test_kpi_page_plurals_and_numbers(client, fs_staff):
    demo.seed(_Out())
    client.force_login(fs_staff)
    with translation.override("fr"):
        fr_url = reverse("flowstage_dashboard")
    with translation.override("en"):
        en_url = reverse("flowstage_dashboard")
    fr = _plain(client.get(fr_url).content.decode())
    en = _plain(client.get(en_url).content.decode())
    # "1 école sur 12", "1 renouvelé, 1 expiré": French singular for 1 (Django's plural forms)
    assert "école sur" in fr and "1 écoles" not in fr
    assert "1 renouvelé, 1 expiré" in fr and "renouvelés, 1 expirés" not in fr
    assert "of 12 schools" in en and "1 renewed, 1 lapsed" in en
    # chart axes and amounts
    assert "1,5 M" in fr and "1.5M" not in fr and "1.5M" in en
    assert "12,5 k" in fr and "12.5k" not in fr
    assert "1 779 k€" in fr and "€1,779k" in en
    assert "Certifications étudiants (149 €)" in fr and "Student certifications (€149)" in en


def test_certification_price_in_both_languages(client, student):
    from tests.exams.helpers import make_certification

    cert = make_certification(types=("single",), practical=False)
    client.force_login(student)
    fr = client.get(f"/exams/certifications/{cert.code}/").content.decode()
    en = client.get(f"/en/exams/certifications/{cert.code}/").content.decode()
    assert f"149,00{NBSP}€" in fr and "149.00 €" not in fr
    assert "€149.00" in en and "149.00 €" not in en
    assert f"149,00{NBSP}€" in client.get("/exams/certifications/").content.decode()
