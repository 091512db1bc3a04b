"""Demo data (idempotent, as the brief) and the French catalogue of interface strings."""
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest

from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage, UnitPage

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "courses" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _counts():
    from wagtail.models import Page, Revision

    return (Page.objects.count(), Revision.objects.count(), Enrolment.objects.count(),
            LessonCompletion.objects.count())


@pytest.mark.slow
@pytest.mark.demo
def test_demo_seed_is_idempotent_and_matches_the_brief():
    import lms.demo
    import partnerships.demo
    from courses import demo

    out = StringIO()
    partnerships.demo.seed(out)
    lms.demo.seed(out)
    demo.seed(out)
    first = _counts()
    demo.seed(out)
    assert _counts() == first

    im = CoursePage.objects.get(code="IM-4.0", locale__language_code="fr")
    units = list(UnitPage.objects.child_of(im).order_by("order"))
    assert [(u.title, u.hours) for u in units] == [("Semestre 1", Decimal("30")), ("Semestre 2", Decimal("40"))]
    s1 = [(lp.title, lp.hours) for lp in LessonPage.objects.child_of(units[0]).order_by("path")]
    assert s1 == [("Écosystème musical digital", 8), ("Plateformes streaming & distribution", 6),
                  ("Event management & booking", 8), ("Projet pratique Flow Stage", 8)]
    assert [(c.label, c.weight) for c in im.assessment_components.all()] == [
        ("Contrôle continu", 40), ("Projet pratique", 35), ("Certification Flow Stage", 25)]
    assert list(im.schools.values_list("name", flat=True)) == ["La Fémis"]
    prep = CoursePage.objects.get(code="AUDIO-FSR-PREP", locale__language_code="fr")
    assert [(u.title, u.hours) for u in UnitPage.objects.child_of(prep).order_by("order")] == [
        ("Module technique", 20), ("Module business", 10), ("Évaluation pratique", 8)]
    assert CoursePage.objects.filter(kind="continuing", price=Decimal("199.00"), locale__language_code="fr").count() == 2
    en = CoursePage.objects.get(code="IM-4.0", locale__language_code="en")
    assert en.title == "Music Industry 4.0" and en.translation_key == im.translation_key
    assert LessonPage.objects.filter(locale__language_code="en").count() == \
        LessonPage.objects.filter(locale__language_code="fr").count()
    marie = Enrolment.objects.get(user__email="marie.dubois@demo.flowstage.test", course=im)
    assert marie.completions.count() == 3


def test_french_translations_are_complete():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    import re

    entries = re.findall(r'msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', text + "\n")
    empty = [mid for mid, mstr in entries if mstr.strip() == '""' and mid.strip() != '""']
    assert not empty, empty[:5]
    plural = re.findall(r'msgstr\[\d\] ""\n(?!")', text)
    assert not plural
