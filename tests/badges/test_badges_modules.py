"""Module credentials: a passed course module (courses writes the ECTS credit record and sends module_passed)
issues its own OB 3.0 achievement credential with creditsAvailable on the achievement and creditsEarned on the
subject; withdrawn credits revoke it. courses never imports badges (a signal it defines)."""
import ast
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from badges import schema, selectors, services
from badges.models import Achievement, Credential
from badges_testkit import doc_of, issue, verify_doc
from courses import services as course_services
from courses import signals as course_signals
from courses.models import CreditRecord
from tests.courses.factories import make_course
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def module():
    return make_course(n_units=1, lessons_per_unit=1, title="Industrie musicale 4.0", code="IM-4.0",
                       summary="Droits, plateformes et économie de la musique enregistrée.",
                       ects_credits=Decimal("6"), pass_mark=Decimal("50"))


@pytest.fixture
def teacher():
    return make_user("flowstage_staff")


def _pass(enrolment, teacher, marks=("15", "14", "16")):
    for key, mark in zip(("continuous", "project", "certification"), marks):
        course_services.set_component_mark(enrolment, key, mark, "twenty", teacher)


def test_passing_a_module_issues_its_credential(module, teacher, django_capture_on_commit_callbacks, mailoutbox):
    student = make_user("student", email="lina.module@example.test")
    enrolment = course_services.self_enrol(student, module)
    with django_capture_on_commit_callbacks(execute=True):
        _pass(enrolment, teacher)
    record = CreditRecord.objects.get(user=student, course=module)
    cred = Credential.objects.select_related("achievement").get(user=student)
    ach = cred.achievement
    assert ach.course_id == module.pk and ach.achievement_type == "Course"
    assert ach.credits_available == Decimal("6") and cred.credits_earned == record.ects == Decimal("6")
    assert ach.validity_days == 0 and cred.valid_until is None  # credits on a record do not expire
    doc = doc_of(cred)
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Course" and achievement["creditsAvailable"] == 6
    assert doc["credentialSubject"]["creditsEarned"] == 6 and "validUntil" not in doc
    assert "IM-4.0" in achievement["criteria"]["narrative"] and "6 ECTS" in achievement["criteria"]["narrative"]
    # 15/20, 14/20, 16/20 weighted 40/35/25: 30 + 24.5 + 20
    assert doc["evidence"][0]["narrative"] == "Passed the module with a weighted grade of 74.5 %."
    assert cred.score == Decimal("74.50")
    assert cred.text("narrative", "fr") == "Module réussi avec une note pondérée de 74,5 %."
    assert schema.errors(doc) == []
    assert verify_doc(doc).verdict == "VALID"
    # The holder is told, as for a certification; the module's satisfaction question follows (careers).
    question = [m for m in mailoutbox if "recommand" in m.subject.lower() or "recommend" in m.subject.lower()]
    assert len(mailoutbox) == 2 and len(question) == 1
    assert all(m.to == [cred.user.email] for m in mailoutbox)


def test_fractional_credits_are_signed_exactly(module, teacher):
    module.ects_credits = Decimal("2.5")
    module.save()
    enrolment = course_services.self_enrol(make_user("student"), module)
    _pass(enrolment, teacher)
    result = services.issue_for_module(CreditRecord.objects.get().pk)
    doc = doc_of(result.credential)
    assert doc["credentialSubject"]["creditsEarned"] == 2.5
    assert doc["credentialSubject"]["achievement"]["creditsAvailable"] == 2.5
    assert '"creditsEarned":2.5' in result.credential.signed_json
    assert verify_doc(doc).verdict == "VALID" and schema.errors(doc) == []


def test_issuance_is_idempotent_and_changed_values_are_refused_by_the_signature(module, teacher):
    enrolment = course_services.self_enrol(make_user("student"), module)
    _pass(enrolment, teacher)
    record = CreditRecord.objects.get()
    first = services.issue_for_module(record.pk)
    again = services.issue_for_module(record.pk)
    assert first.created and not again.created and first.credential.pk == again.credential.pk
    assert Credential.objects.count() == 1
    doc = doc_of(first.credential)
    doc["credentialSubject"]["creditsEarned"] = 60
    assert verify_doc(doc).verdict == "INVALID"
    doc = doc_of(first.credential)
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 60
    assert verify_doc(doc).verdict == "INVALID"


def test_no_credential_for_a_module_not_passed_or_a_record_gone(module, teacher, django_capture_on_commit_callbacks):
    enrolment = course_services.self_enrol(make_user("student"), module)
    with django_capture_on_commit_callbacks(execute=True):
        _pass(enrolment, teacher, marks=("5", "5", "5"))  # 25 %
    assert not CreditRecord.objects.exists() and not Credential.objects.exists()
    assert services.issue_for_module(999_999) is None


def test_withdrawn_credits_revoke_the_credential_and_a_new_pass_issues_a_new_one(
        module, teacher, django_capture_on_commit_callbacks):
    enrolment = course_services.self_enrol(make_user("student"), module)
    with django_capture_on_commit_callbacks(execute=True):
        _pass(enrolment, teacher)
    cred = Credential.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.set_component_mark(enrolment, "continuous", "0", "twenty", teacher)  # below the pass mark
    cred.refresh_from_db()
    assert cred.revoked_at is not None and "withdrawn" in cred.revocation_reason
    assert cred.text("revocation_reason", "fr").startswith("Les crédits du module")
    assert verify_doc(doc_of(cred)).verdict == "REVOKED"
    with django_capture_on_commit_callbacks(execute=True):
        course_services.set_component_mark(enrolment, "continuous", "15", "twenty", teacher)
    assert Credential.objects.filter(revoked_at__isnull=True).count() == 1
    assert Credential.objects.count() == 2


def test_achievement_texts_follow_the_module_in_both_languages(module):
    ach = services.ensure_achievement_for_module(module)
    assert ach.name == ach.name_fr == "Industrie musicale 4.0"  # no English version: the French title is signed
    assert ach.criteria_narrative.startswith("Pass the module “Industrie musicale 4.0” (IM-4.0)")
    assert ach.criteria_narrative_fr.startswith("Réussir le module « Industrie musicale 4.0 » (IM-4.0)")
    module.ects_credits = Decimal("3")
    module.save()
    again = services.ensure_achievement_for_module(module)
    assert again.pk == ach.pk and again.credits_available == Decimal("3")
    assert Achievement.objects.filter(course=module).count() == 1


def test_selectors_tell_a_module_from_a_certification(module, teacher, django_assert_num_queries):
    student = make_user("student")
    issue(student)  # a certification's
    enrolment = course_services.self_enrol(student, module)
    _pass(enrolment, teacher)
    services.issue_for_module(CreditRecord.objects.get().pk)
    with django_assert_num_queries(1):
        rows = selectors.credentials_for_user(student)
    kinds = {r["kind"]: r for r in rows}
    assert set(kinds) == {"module", "certification"}
    assert kinds["module"]["credits"] == Decimal("6") and kinds["certification"]["credits"] is None


def test_readiness_counts_certifications_not_module_credentials(module, teacher):
    from lms import readiness_inputs

    student = make_user("student")
    enrolment = course_services.self_enrol(student, module)
    _pass(enrolment, teacher)
    services.issue_for_module(CreditRecord.objects.get().pk)
    inputs = readiness_inputs.gather(student)
    assert inputs.certifications == 0 and inputs.ects_earned == Decimal("6")


@pytest.mark.parametrize("lang,kind,credits", [("fr", "Module de formation", "6 crédits ECTS"),
                                               ("en", "Course module", "6 ECTS credits")])
def test_shown_beside_the_certification_on_my_badges_profile_and_public_page(client, module, teacher, lang, kind,
                                                                            credits):
    student = make_user("student")
    cert_cred = issue(student)
    enrolment = course_services.self_enrol(student, module)
    _pass(enrolment, teacher)
    mod_cred = services.issue_for_module(CreditRecord.objects.get().pk).credential
    client.force_login(student)
    prefix = "" if lang == "fr" else "/en"
    mine = client.get(f"{prefix}/badges/mine/").content.decode()
    assert kind in mine and credits in mine and cert_cred.achievement.text("name", lang) in mine
    assert "Industrie musicale 4.0" in mine
    profile = client.get(f"{prefix}/profile/").content.decode()
    assert "Industrie musicale 4.0" in profile and "Module · 6 ECTS" in profile
    page = client.get(f"{prefix}/verify/{mod_cred.pk}/")
    assert page.context["report"].verdict == "VALID" and credits in page.content.decode()
    resp = client.get(f"/credentials/{mod_cred.pk}", HTTP_ACCEPT="application/vc+ld+json")
    assert json.loads(resp.content)["credentialSubject"]["creditsEarned"] == 6


def test_module_certificate_pdf_says_module(client, module, teacher):
    student = make_user("student")
    enrolment = course_services.self_enrol(student, module)
    _pass(enrolment, teacher)
    cred = services.issue_for_module(CreditRecord.objects.get().pk).credential
    client.force_login(student)
    resp = client.get(f"/badges/{cred.pk}/certificate.pdf?lang=en")
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")


def test_courses_does_not_import_badges_and_defines_the_signals():
    assert hasattr(course_signals, "module_passed") and hasattr(course_signals, "module_credits_withdrawn")
    for path in (ROOT / "courses").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "badges" or n.startswith("badges.") for n in names), path


def test_the_signal_reaches_badges_only_through_its_receiver(module, teacher):
    receivers = course_signals.module_passed._live_receivers(CreditRecord)
    flat = receivers[0] if receivers and isinstance(receivers[0], list) else receivers
    assert any(getattr(r, "__module__", "") == "badges.receivers" for r in flat)
