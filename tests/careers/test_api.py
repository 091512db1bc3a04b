"""/api/v1/careers/: in the OpenAPI document, scoped by role, every refusal a 4xx with its reason."""
import datetime
import json

import pytest

from careers import services
from careers.models import Application, Offer
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OFFER_IN = {"kind": "internship", "title": "Assistant FOH", "specialisation": "sound", "sector": "live",
            "genres": ["rock"], "venue_size": "1k5k", "postcode": "75011", "city": "Paris 11e",
            "start_date": "2027-05-03", "end_date": "2027-07-30", "weekly_hours": "35", "pay_monthly": "700.00",
            "tutor_name": "Jean Martin", "tutor_years": 15, "expires_on": "2027-04-20",
            "requirements": [{"name": "Mixage façade (FOH)", "level": 4}], "languages": [{"language": "Anglais", "level": "B1"}]}


@pytest.fixture
def world(rates):
    s = kit.school()
    emp, staff = kit.employer("Sonotec Live")
    return {"school": s, "employer": emp, "staff": staff, "student": kit.student(s), "offer": kit.offer(emp, staff)}


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_the_careers_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ["/api/v1/careers/offers", "/api/v1/careers/offers/{offer_id}", "/api/v1/careers/matches",
              "/api/v1/careers/offers/{offer_id}/apply", "/api/v1/careers/applications",
              "/api/v1/careers/applications/{application_id}/withdraw", "/api/v1/careers/employer/offers",
              "/api/v1/careers/employer/offers/{offer_id}/applicants",
              "/api/v1/careers/employer/applications/{application_id}/decision"]:
        assert p in paths, p


def test_anonymous_is_refused(client, world):
    assert client.get("/api/v1/careers/offers").status_code == 401
    assert client.get("/api/v1/careers/matches").status_code == 401


def test_matches_with_explanations_in_the_clients_language(client, world, api_token):
    h = api_token(world["student"])
    r = client.get("/api/v1/careers/matches", HTTP_ACCEPT_LANGUAGE="fr", **h)
    assert r.status_code == 200
    first = r.json()["offers"][0]
    assert first["title"] == "Assistant Ingénieur FOH" and first["match"]["headline"] == "STAGE PARFAIT"
    skills = next(c for c in first["match"]["components"] if c["key"] == "skills")
    assert skills["weight"] == "30" and "Mixage façade (FOH) avancé : requis avancé ✓" in skills["sentences"]
    r = client.get("/api/v1/careers/matches", HTTP_ACCEPT_LANGUAGE="en", **h)
    assert r.json()["offers"][0]["match"]["headline"] == "PERFECT INTERNSHIP"
    assert client.get("/api/v1/careers/matches?limit=500", **h).status_code == 422


def test_offers_list_and_detail_by_role(client, world, api_token):
    r = client.get("/api/v1/careers/offers?kind=internship", **api_token(world["student"]))
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["offers"][0]["score"]
    detail = client.get(f"/api/v1/careers/offers/{world['offer'].pk}", **api_token(world["student"])).json()
    assert detail["match"]["band"] == "perfect" and detail["requirements"][0]["name"] == "Mixage façade (FOH)"
    staff = kit.staff_of(world["school"])
    assert client.get("/api/v1/careers/offers", **api_token(staff)).json()["count"] == 1
    assert client.get("/api/v1/careers/offers", **api_token(make_user("teacher"))).status_code == 403
    assert client.get("/api/v1/careers/offers/999999", **api_token(world["student"])).status_code == 404


def test_apply_withdraw_and_my_applications(client, world, api_token):
    h = api_token(world["student"])
    url = f"/api/v1/careers/offers/{world['offer'].pk}/apply"
    r = post(client, url, {"message": "Bonjour", "consent_parts": ["skills"]}, h)
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["consent_parts"] == ["skills"]
    again = post(client, url, {"message": "Encore"}, h)
    assert again.status_code == 409 and "one application per offer" in again.json()["detail"]
    app_id = r.json()["id"]
    assert client.get("/api/v1/careers/applications", **h).json()["applications"][0]["id"] == app_id
    other = api_token(kit.student(world["school"]))
    assert client.get(f"/api/v1/careers/applications/{app_id}", **other).status_code == 404
    assert post(client, f"/api/v1/careers/applications/{app_id}/withdraw", {}, other).status_code == 404
    assert post(client, f"/api/v1/careers/applications/{app_id}/withdraw", {}, h).json()["status"] == "withdrawn"
    assert post(client, f"/api/v1/careers/applications/{app_id}/withdraw", {}, h).status_code == 409
    assert post(client, url, {"message": "x", "consent_parts": ["all"]}, api_token(kit.student(world["school"]))).status_code == 422
    assert post(client, url, {"message": "x"}, api_token(world["staff"])).status_code == 403


def test_applying_to_a_closed_offer_is_a_409(client, world, api_token):
    Offer.objects.filter(pk=world["offer"].pk).update(status="closed")
    r = post(client, f"/api/v1/careers/offers/{world['offer'].pk}/apply", {"message": "x"}, api_token(world["student"]))
    assert r.status_code == 409


def test_employer_offers_create_refused_by_law_then_published(client, world, api_token):
    h = api_token(world["staff"])
    r = post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "pay_monthly": "600.00"}, {**h, "HTTP_ACCEPT_LANGUAGE": "fr"})
    assert r.status_code == 422
    body = r.json()
    assert "682.50 € a month; this offer pays 600 €" in body["problems"][0]
    assert "682,50 € par mois ; cette offre verse 600 €" in body["localized"]["problems"][0]
    r = post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "end_date": "2027-05-01"}, h)
    assert r.status_code == 422 and "before it starts" in r.json()["problems"][0]
    assert post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "specialisation": "magic"}, h).status_code == 422
    assert post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "postcode": "750"}, h).status_code == 422
    r = post(client, "/api/v1/careers/employer/offers", OFFER_IN, h)
    assert r.status_code == 201 and r.json()["status"] == "draft"
    pk = r.json()["id"]
    assert post(client, f"/api/v1/careers/employer/offers/{pk}/publish", {}, h).json()["status"] == "published"
    assert post(client, f"/api/v1/careers/employer/offers/{pk}/publish", {}, h).status_code == 409
    listing = client.get("/api/v1/careers/employer/offers", **h).json()["offers"]
    assert {o["id"] for o in listing} == {pk, world["offer"].pk}


def test_employer_endpoints_are_scoped_to_their_company(client, world, api_token):
    app = services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=["badges"], day=kit.TODAY)
    _other, other_staff = kit.employer()
    h = api_token(other_staff)
    assert client.get(f"/api/v1/careers/employer/offers/{world['offer'].pk}/applicants", **h).status_code == 404
    assert post(client, f"/api/v1/careers/employer/applications/{app.pk}/decision", {"action": "accept"}, h).status_code == 404
    r = client.put(f"/api/v1/careers/employer/offers/{world['offer'].pk}", json.dumps(OFFER_IN),
                   content_type="application/json", **h)
    assert r.status_code == 404
    assert client.get("/api/v1/careers/employer/offers", **api_token(world["student"])).status_code == 403
    assert Application.objects.get().status == "submitted"


def test_applicants_and_decisions(client, world, api_token):
    services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    h = api_token(world["staff"])
    r = client.get(f"/api/v1/careers/employer/offers/{world['offer'].pk}/applicants", HTTP_ACCEPT_LANGUAGE="en", **h)
    row = r.json()["applicants"][0]
    assert row["shared_parts"] == ["skills"] and row["email"] is None and row["match"]["band"] == "perfect"
    comps = {c["key"]: c for c in row["match"]["components"]}
    assert comps["skills"]["sentences"] and comps["location"]["sentences"] == []  # career part not shared
    url = f"/api/v1/careers/employer/applications/{row['application_id']}/decision"
    assert post(client, url, {"action": "decline"}, h).status_code == 422
    assert post(client, url, {"action": "promote"}, h).status_code == 422
    assert post(client, url, {"action": "accept", "message": "Bienvenue"}, h).json()["status"] == "accepted"
    assert Offer.objects.get(pk=world["offer"].pk).status == "filled"
    assert post(client, url, {"action": "decline", "reason": "x"}, h).status_code == 409


def test_date_and_number_input_is_validated(client, world, api_token):
    h = api_token(world["staff"])
    bad = {**OFFER_IN, "start_date": "2027-13-40"}
    assert post(client, "/api/v1/careers/employer/offers", bad, h).status_code == 422
    assert post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "pay_monthly": "-1"}, h).status_code == 422
    assert post(client, "/api/v1/careers/employer/offers", {**OFFER_IN, "weekly_hours": "90"}, h).status_code == 422
    r = post(client, "/api/v1/careers/employer/offers",
             {**OFFER_IN, "start_date": "2026-11-02", "end_date": "2026-12-18", "expires_on": "2026-12-01"}, h)
    assert r.status_code == 422 and "a date in the past" in r.json()["problems"][0]
    assert datetime.date(2026, 11, 30) == kit.TODAY
