"""Messages of the pure modules (prerequisite checks, GIFT and Moodle XML parsers) shown in the viewer's
language: French at /, English at /en/, rendered from their templates and parameters."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from exams import services
from exams.i18n import localize
from exams.prerequisites import Requirements, label
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

    from exams.messages import Message

    m = Message("%(n)s", {"n": Decimal("1234.5")})
    with translation.override("fr"):
        assert localize(m) == "1234,5"
        assert localize(label("portfolio", Requirements(min_portfolio_projects=1))) == \
            "Portfolio d'au moins 1 projet documenté"
    with translation.override("en"):
        assert localize(m) == "1234.5"
