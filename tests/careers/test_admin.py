"""Flow Stage staff manage employers, offers and the legal-rate tables in the Wagtail admin; superusers also in the
Django admin; offers and applications keep their history; an offer saved there gets its matching facts."""
import datetime
from decimal import Decimal

import pytest

from careers import services
from careers.models import InternshipRate, Offer
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SNIPPETS = ["offer", "internshiprate", "smicrate", "apprenticepayrate", "apprenticeshipprogramme", "schoolcalendar",
            "learningpath", "schoolreferent"]


@pytest.mark.parametrize("model", SNIPPETS)
def test_flow_stage_staff_manage_the_tables_in_wagtail(client, rates, model):
    client.force_login(make_user("flowstage_staff"))
    assert client.get(f"/admin/snippets/careers/{model}/").status_code == 200
    assert client.get(f"/admin/snippets/careers/{model}/add/").status_code == 200


def test_employers_are_managed_there_too(client, rates):
    client.force_login(make_user("flowstage_staff"))
    assert client.get("/admin/snippets/partnerships/employer/").status_code == 200


def test_others_cannot_open_them(client, rates):
    client.force_login(make_user("school_staff"))
    assert client.get("/admin/snippets/careers/internshiprate/").status_code in (302, 403)


def test_a_2027_rate_added_in_wagtail_applies(client, rates):
    client.force_login(make_user("flowstage_staff"))
    r = client.post("/admin/snippets/careers/internshiprate/add/", {
        "valid_from": "2027-01-01", "hourly_ceiling": "31.00", "percent": "15.00", "source": "arrêté de décembre 2026",
        "source_url": ""})
    assert r.status_code == 302, r.content.decode()[:400]
    assert InternshipRate.objects.get(valid_from=datetime.date(2027, 1, 1)).hourly_minimum == Decimal("4.65")


def test_an_offer_edited_in_wagtail_gets_its_facts_again(client, rates):
    emp, staff = kit.employer()
    offer = kit.offer(emp, staff)
    client.force_login(make_user("flowstage_staff"))
    form = client.get(f"/admin/snippets/careers/offer/edit/{offer.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"title": "Assistant Ingénieur FOH (renommé)", "genres": '["rock"]', "employer": emp.pk,
                 "programme": "", "start_date": "2027-05-03", "end_date": "2027-07-30", "expires_on": "2027-04-20"})
    r = client.post(f"/admin/snippets/careers/offer/edit/{offer.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:600]
    assert Offer.objects.get(pk=offer.pk).facts["title"] == "Assistant Ingénieur FOH (renommé)"


def test_django_admin_and_history(client, rates):
    emp, staff = kit.employer()
    offer = kit.offer(emp, staff)
    student = kit.student(kit.school())
    app = services.apply(offer, student, message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app, by=staff, action="shortlist")
    client.force_login(make_user(None, is_superuser=True, is_staff=True))
    for url in ["/django-admin/careers/offer/", f"/django-admin/careers/offer/{offer.pk}/change/",
                f"/django-admin/careers/offer/{offer.pk}/history/", "/django-admin/careers/application/",
                f"/django-admin/careers/application/{app.pk}/history/", "/django-admin/careers/internshiprate/add/",
                "/django-admin/careers/schoolcalendar/add/"]:
        assert client.get(url).status_code == 200, url
    assert list(app.history.order_by("history_date").values_list("status", flat=True)) == ["submitted", "shortlisted"]
    assert offer.history.count() >= 2  # created, then published
