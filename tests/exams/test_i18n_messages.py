"""Messages of the pure modules (prerequisite checks, GIFT and Moodle XML parsers) shown in the viewer's
language: French at /, English at /en/, rendered from their templates and parameters."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from exams import services
from exams.prerequisites import Requirements, label
from lms.templatetags.i18n_messages import localize
from tests.exams import helpers as h

pytestmark = pytest.mark.django_db


def _prereqs(html):
    """(pill, label, reason) of each prerequisite row, tags stripped."""
    rows = re.findall(r'<li class="prereq">(.*?)</li>', html, re.S)
    out = []
    for row in rows:
        pill = " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<span class="pill[^"]*">(.*?)</span>', row, re.S)
                               .group(1)).split())
        strong = re.search(r"<strong>(.*?)</strong>", row, re.S).group(1).strip()
        reason = re.search(r'<span class="small muted">(.*?)</span>', row, re.S).group(1).strip()
        out.append((pill, strong.replace("&#x27;", "'"), reason.replace("&#x27;", "'")))
    return out


ENGLISH_WORDS = re.compile(r"\b(required|months?|documented|projects?|software|packages?|level|above|least|"
                           r"curriculum|programme|internships?|exemption|sound)\b", re.I)


@pytest.fixture
def cert():
    return h.make_certification(types=("single",), practical=False)


def test_french_certification_page_states_met_and_missing_prerequisites_in_french(client, cert):
    user = h.sound_student(h.entitled_school("FR prereq"))  # "Prog sound 3", Bac+3, sound
    h.give_profile(user, months=1, software=2, projects=2)
    client.force_login(user)
    html = client.get(f"/exams/certifications/{cert.code}/").content.decode()
    rows = _prereqs(html)
    assert rows == [
        ("Rempli", "Cursus en audio/son, Bac+2 minimum", "Prog sound 3 (Bac+3, audio/son)"),
        ("Manquant", "Au moins 3 mois d'expérience pratique (stage ou alternance)",
         "1 mois d'expérience pratique, 3 requis"),
        ("Rempli", "Au moins 2 logiciels professionnels au niveau avancé ou supérieur",
         "Soft 0, Soft 1 (niveau avancé ou supérieur)"),
        ("Manquant", "Portfolio d'au moins 5 projets documentés", "2 projets documentés, 5 requis"),
    ]
    words = " ".join(r[1] + " " + r[2] for r in rows).replace("Prog sound 3", "")  # the programme's name is data
    assert not ENGLISH_WORDS.findall(words)
    # The same page in English.
    rows = _prereqs(client.get(f"/en/exams/certifications/{cert.code}/").content.decode())
    assert [r[2] for r in rows] == ["Prog sound 3 (Bac+3, audio/sound)", "1 month of practical experience, 3 required",
                                    "Soft 0, Soft 1 (advanced level or above)", "2 documented projects, 5 required"]
    assert rows[1][1] == "At least 3 months of practical experience (internship/apprenticeship)"


def test_french_page_follows_the_certifications_requirements_and_exemptions(client, cert):
    cert.min_experience_months, cert.min_software, cert.min_software_level = 1, 1, "expert"
    cert.min_portfolio_projects = 1
    cert.save()
    user = h.sound_student(h.entitled_school("FR cinema"), domain="cinema")  # "Prog cinema 3"
    h.give_profile(user, months=0, software=2, projects=0)  # level 4 = advanced: below expert
    services.grant_exemption(cert, user, "portfolio", "Bande démo validée par le jury", h.make_user("flowstage_staff"))
    client.force_login(user)
    rows = _prereqs(client.get(f"/exams/certifications/{cert.code}/").content.decode())
    assert rows == [
        ("Manquant", "Cursus en audio/son, Bac+2 minimum",
         "la formation « Prog cinema 3 » relève du domaine cinéma ; un cursus en audio/son est requis"),
        ("Manquant", "Au moins 1 mois d'expérience pratique (stage ou alternance)",
         "0 mois d'expérience pratique, 1 requis"),
        ("Manquant", "Au moins 1 logiciel professionnel au niveau expert ou supérieur",
         "0 logiciel professionnel au niveau expert ou supérieur, 1 requis"),
        ("Dispensé", "Portfolio d'au moins 1 projet documenté", "dispense : Bande démo validée par le jury"),
    ]
    # Registering refuses with the missing reasons in French too.
    with translation.override("fr"), pytest.raises(services.ExamError) as exc:
        services.register(cert, user)
    assert "0 mois d'expérience pratique, 1 requis" in exc.value.message and "required" not in exc.value.message


def test_numbers_in_messages_follow_the_locale():
    from decimal import Decimal

    from lms.messages import Message

    m = Message("%(n)s", {"n": Decimal("1234.5")})
    with translation.override("fr"):
        assert localize(m) == "1234,5"
        assert localize(label("portfolio", Requirements(min_portfolio_projects=1))) == \
            "Portfolio d'au moins 1 projet documenté"
    with translation.override("en"):
        assert localize(m) == "1234.5"


# --- Import preview ------------------------------------------------------------------------------

@pytest.fixture
def teacher_category():
    from exams.models import QuestionCategory
    from partnerships.models import SchoolMember
    from tests.factories import make_user

    school = h.entitled_school("Import FR")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    return teacher, QuestionCategory.objects.create(name="Mine", school=school)


def _rejected(html):
    """(line, reason) of each row of the rejected table, as the reader sees them."""
    import html as htmllib

    table = html[html.index('id="rejected"'):html.index("</table>", html.index('id="rejected"'))]
    rows = re.findall(r"<tr><td>(\d+)</td><td>.*?</td><td>(.*?)</td></tr>", table, re.S)
    return [(int(line), htmllib.unescape(reason)) for line, reason in rows]


def test_french_gift_preview_gives_french_reasons(client, teacher_category):
    from tests.exams.test_formats import BAD_GIFT

    teacher, cat = teacher_category
    client.force_login(teacher)
    source = BAD_GIFT + "\n$CATEGORY:\n\n::Long::Vrai ? {T}\n\n$CATEGORY: $course$/top/" + "x" * 170 + "\n"
    page = client.post("/exams/bank/import/", {"fmt": "gift", "category": cat.pk, "language": "fr",
                                               "source": source, "preview": "1"})
    assert page.status_code == 422
    reasons = [r for _line, r in _rejected(page.content.decode())]
    assert reasons == [
        "les questions de type composition ({}) ne sont pas prises en charge",
        "accolade fermante } manquante",
        "au moins un choix doit être juste",
        "syntaxe de réponse inconnue : « blah » avant le premier = ou ~",
        "aucun bloc de réponses {…} (les descriptions ne sont pas prises en charge)",
        "ce n'est pas un nombre : « abc »",
        "chemin de catégorie vide",
        "Le nom de la catégorie dépasse 160 caractères.",
    ]
    english = re.compile(r"\b(the|is|are|not|no|at least|must|answer|brace|category|empty|unknown|supported)\b")
    assert not [r for r in reasons if english.search(r.replace("blah", ""))]
    # The same file in English, from the same templates.
    page = client.post("/en/exams/bank/import/", {"fmt": "gift", "category": cat.pk, "language": "fr",
                                                  "source": source, "preview": "1"})
    reasons = [r for _line, r in _rejected(page.content.decode())]
    assert reasons[0] == "essay questions ({}) are not supported" and reasons[3] == \
        "unknown answer syntax: “blah” before the first = or ~"
    assert reasons[-1] == "The category name is longer than 160 characters."


FR_BAD_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay"><name><text>Essai</text></name><questiontext><text>Racontez.</text></questiontext></question>
  <question type="truefalse"><name><text>VF</text></name><questiontext><text>Vrai ?</text></questiontext>
    <answer fraction="0"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="numerical"><name><text>Num</text></name><questiontext><text>Combien ?</text></questiontext>
    <answer fraction="100"><text>douze</text></answer></question>
  <question type="matching"><name><text>Seul</text></name><questiontext><text>Associez.</text></questiontext>
    <subquestion><text>SM58</text><answer><text>Voix</text></answer></subquestion></question>
  <question type="shortanswer"><name><text>Vide</text></name><questiontext><text> </text></questiontext>
    <answer fraction="100"><text>FOH</text></answer></question>
</quiz>
"""


def test_french_moodle_xml_preview_gives_french_reasons(client, teacher_category):
    teacher, cat = teacher_category
    client.force_login(teacher)
    page = client.post("/exams/bank/import/", {"fmt": "xml", "category": cat.pk, "language": "fr",
                                               "source": FR_BAD_XML, "preview": "1"})
    assert page.status_code == 422
    assert _rejected(page.content.decode()) == [
        (1, "type de question non pris en charge : « essay »"),
        (2, "question vrai/faux sans bonne réponse"),
        (3, "la valeur de « answer » n'est pas un nombre : « douze »"),
        (4, "une question d'appariement demande au moins deux paires distinctes"),
        (5, "la question n'a pas d'énoncé"),
    ]
    page = client.post("/exams/bank/import/", {"fmt": "xml", "category": cat.pk, "language": "fr",
                                               "source": "<quiz><question>", "preview": "1"})
    (_line, reason), = _rejected(page.content.decode())
    assert reason.startswith("XML mal formé ou dangereux : ")


def test_parsers_keep_templates_and_params_not_request_state():
    from exams.formats import gift

    rejected = gift.parse("::N::Nombre ? {#abc}\n").rejected[0]
    assert rejected.message.template == "not a number: “%(text)s”" and rejected.message.params == {"text": "abc"}
    assert rejected.reason == "not a number: “abc”"
    with translation.override("fr"):
        assert rejected.reason == "not a number: “abc”"  # the English text whatever the active language
        assert localize(rejected.message) == "ce n'est pas un nombre : « abc »"


def test_answer_refusals_in_the_readers_language(client, api_token):
    from exams.models import AttemptQuestion

    cert = h.make_certification(types=("ordering",), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    aq = AttemptQuestion.objects.get(attempt=attempt)
    i1, i2 = h.as_client(aq, {"order": ["i1", "i2", None]})["order"][:2]  # the attempt's ids of i1 and i2
    url = f"/api/v1/exams/attempts/{attempt.pk}/answers/{aq.pk}"
    body = '{"response": {"order": ["%s", "%s", null]}}' % (i1, i1)
    fr = client.put(url, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr", **api_token(student))
    en = client.put(url, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **api_token(student))
    assert fr.status_code == en.status_code == 422
    # `detail` stays in stable English; `localized` follows the client's language.
    assert fr.json() == en.json() | {"localized": {"language": "fr", "detail":
                                                   "chaque élément ne peut être placé qu'à une seule position"}}
    assert en.json() == {"detail": "ordering answer must list each item at most once",
                         "localized": {"language": "en", "detail": "ordering answer must list each item at most once"}}
    # The no-JS form shows the refusal in French too.
    client.force_login(student)
    resp = client.post(f"/exams/attempts/{attempt.pk}/", {f"q-{aq.pk}-1": i2, f"q-{aq.pk}-2": i2,
                                                         f"q-{aq.pk}-3": "", "save": "1"}, follow=True)
    assert "Question 1 : chaque élément ne peut être placé qu&#x27;à une seule position" in resp.content.decode()
