"""Skills (issue 15, item 3): every URL a freshly issued credential carries answers 200, the signed alignment
``targetUrl`` leads to the skill's page, and that page shows the skill, its badges and its courses in French
and English."""
import json

import pytest
from django.utils.html import escape
from wagtail.models import Locale

from badges import services
from badges.models import Skill
from badges_testkit import celery_eager, passed_attempt  # noqa: F401 (fixture)
from courses import services as course_services
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _certified_credential():
    """A credential issued for a passed certification attempt, its certification prepared by a translated course."""
    attempt = passed_attempt()
    cert = attempt.exam.certification
    prep = make_course(title="Préparation son", n_units=1, lessons_per_unit=1, code="PREP-SON")
    course_services.ensure_catalogue()
    en = Locale.objects.get(language_code="en")
    en_prep = prep.copy_for_translation(en, copy_parents=True)
    en_prep.title = "Sound preparation"
    en_prep.save_revision().publish()
    for p in en_prep.get_ancestors().filter(depth__gt=2, alias_of__isnull=True, live=False):
        p.specific.save_revision().publish()
    cert.preparation_course = prep
    cert.name_en, cert.description_en = "Audio Engineer — Flow Stage Ready", "Sound engineering certification."
    cert.description_fr = "Certification d’ingénierie du son."
    cert.save()
    return services.issue_for_attempt(attempt.pk).credential


def test_every_url_in_a_fresh_credential_answers_200(client, settings):
    settings.PUBLIC_BASE_URL = BASE
    cred = _certified_credential()
    doc = json.loads(cred.signed_json)
    urls = sorted({s.split("#")[0] for s in _strings(doc) if s.startswith(BASE)})
    # the credential, the issuer, the achievement and its image, the status list, the skill
    assert {f"{BASE}/credentials/{cred.pk}", f"{BASE}/", f"{BASE}/status/1", f"{BASE}/competences/sound"} <= set(urls)
    assert any(u.startswith(f"{BASE}/achievements/") and u.endswith("image.png") for u in urls)
    for url in urls:
        r = client.get(url[len(BASE):] or "/", follow=True)
        assert r.status_code == 200, (url, r.status_code, r.redirect_chain)
    # and the issuer's did:web resolves to the DID document served here
    assert doc["issuer"]["id"] == "did:web:testserver"
    assert client.get("/.well-known/did.json").json()["id"] == doc["issuer"]["id"]


def test_the_alignment_is_the_skill_and_leads_to_its_page(client, settings):
    settings.PUBLIC_BASE_URL = BASE
    cred = _certified_credential()
    alignment = json.loads(cred.signed_json)["credentialSubject"]["achievement"]["alignment"]
    skill = Skill.objects.get(slug="sound")
    assert alignment == [{"type": ["Alignment"], "targetName": skill.name, "targetUrl": f"{BASE}/competences/sound",
                          "targetDescription": skill.description}]
    assert skill.name == "Sound engineering" and skill.name_fr == "Ingénierie du son"
    # the signed URL takes each reader to the page in their language
    r = client.get("/competences/sound", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and r["Location"] == "/en/competences/sound/"
    r = client.get("/competences/sound", HTTP_ACCEPT_LANGUAGE="fr")
    assert r.status_code == 302 and r["Location"] == "/competences/sound/"
    assert client.get("/competences/no-such-skill").status_code == 404
    assert client.get("/competences/no-such-skill/").status_code == 404


def test_skill_page_in_both_languages(client):
    cred = _certified_credential()
    ach = cred.achievement
    ach.name_fr = "Ingénieur·e du son — Flow Stage Ready"
    ach.save()
    skill = Skill.objects.get(slug="sound")
    extra = make_course(title="Mixage façade", n_units=1, lessons_per_unit=1, code="FOH")
    skill.courses.add(extra)

    fr = client.get("/competences/sound/").content.decode()
    assert "Ingénierie du son" in fr and escape(skill.description_fr) in fr
    assert "Ingénieur·e du son — Flow Stage Ready" in fr
    assert "Préparation son" in fr and "Mixage façade" in fr
    assert "Badges qui la certifient" in fr and "Formations qui l’enseignent" in fr

    en = client.get("/en/competences/sound/").content.decode()
    assert "Sound engineering" in en and escape(skill.description) in en and "Ingénierie du son" not in en
    assert "Audio Engineer — Flow Stage Ready" in en and "Ingénieur·e du son" not in en
    assert "Sound preparation" in en and "Préparation son" not in en  # the English translation of the course
    assert "Mixage façade" in en  # French only: shown as it is
    assert "Badges that certify it" in en and "Courses that teach it" in en


def test_skill_page_queries_are_bounded(client, django_assert_max_num_queries):
    _certified_credential()
    skill = Skill.objects.get(slug="sound")
    for i in range(4):
        skill.courses.add(make_course(title=f"Cours {i}", n_units=1, lessons_per_unit=1))
    client.get("/en/competences/sound/")  # warm the site and locale lookups
    with django_assert_max_num_queries(14):
        assert client.get("/en/competences/sound/").status_code == 200


def test_an_older_alignment_is_replaced_by_the_skill(settings):
    settings.PUBLIC_BASE_URL = BASE
    cred = _certified_credential()
    ach = cred.achievement
    ach.alignments = [{"targetName": "Sound", "targetUrl": f"{BASE}/competences/sound"},
                      {"targetName": "ESCO sound engineer", "targetUrl": "https://esco.example/sound-engineer"}]
    ach.save()
    ach.skills.clear()
    ach = services.ensure_achievement_for_certification(ach.certification)
    assert [a["targetName"] for a in ach.alignments] == ["ESCO sound engineer"]
    targets = [a["targetUrl"] for a in services.achievement_document(ach)["alignment"]]
    assert targets == [f"{BASE}/competences/sound", "https://esco.example/sound-engineer"]
