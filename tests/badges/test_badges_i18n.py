"""Verification reports and achievements in the viewer's language: French at /, English under /en/.

Every check detail and verdict reason is a message template of ``badges.verification`` (marked there with
``lms.messages.gettext_noop``), rendered by ``lms.templatetags.i18n_messages``. The French pages must show the
French sentences and no English template; the English pages the English ones.
"""
import ast
import copy
import html
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from badges import services, signing, verification
from badges.models import SigningKey, StatusList
from badges_testkit import celery_eager, doc_of, issue, make_achievement, passed_attempt, revoked_keys_stay_listed  # noqa: F401,E501 (fixtures)
from lms.templatetags.i18n_messages import localize

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# ------------------------------------------------------------------------------------ the message templates
def _templates() -> set[str]:
    """Every string literal marked with gettext_noop in badges/verification.py (read from the source)."""
    tree = ast.parse(Path(verification.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop":
            arg = node.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), ast.dump(node)
            found.add(arg.value)
    return found


TEMPLATES = _templates()


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50
    assert "expired on %(date)s" in TEMPLATES and "status list %(url)s is unavailable" in TEMPLATES
    assert set(verification.PROOF_ERRORS.values()) <= TEMPLATES


def test_every_message_is_marked_for_translation():
    """Each Message is built from a gettext_noop literal (or a table of them), never from bare text."""
    tree = ast.parse(Path(verification.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_m", "Message") and node.args:
            first = node.args[0]
            marked = isinstance(first, ast.Call) and getattr(first.func, "id", None) == "gettext_noop"
            assert marked or isinstance(first, ast.Name), f"line {node.lineno}: unmarked message template"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_has_a_french_translation(template):
    with translation.override("fr"):
        french = gettext(template)
    assert french != template, f"no French translation for {template!r}"
    assert sorted(PLACEHOLDER.findall(french)) == sorted(PLACEHOLDER.findall(template))


def _english_fragments() -> list[str]:
    """The literal phrases of the English templates (two words or more), to look for on a French page."""
    out = set()
    for t in TEMPLATES:
        for piece in PLACEHOLDER.split(t)[::2]:
            piece = piece.strip(" ():;,'")
            if " " in piece and len(piece) >= 8:
                out.add(piece)
    return sorted(out)


ENGLISH = _english_fragments()


def _text(resp) -> str:
    return html.unescape(resp.content.decode())


def assert_no_english(page: str, report=None):
    leaks = [f for f in ENGLISH if f in page]
    if report is not None:  # the report's own English texts (API wording), when they are sentences
        leaks += [t for t in [report.reason, *(c.detail for c in report.checks)] if " " in t and t in page]
    assert not leaks, f"English on the French page: {leaks}"


def fr(value) -> str:
    with translation.override("fr"):
        return localize(value)


def day(dt, lang="fr") -> str:
    with translation.override(lang):
        return date_format(timezone.localtime(dt), "DATE_FORMAT")


# ------------------------------------------------------------------------------------ public page, each verdict
def _pages(client, cred):
    return _text(client.get(f"/verify/{cred.pk}/")), _text(client.get(f"/en/verify/{cred.pk}/"))


def test_valid_in_french_and_in_english(client):
    cred = issue()
    page, en = _pages(client, cred)
    assert 'data-verdict="VALID"' in page
    start, end = day(cred.valid_from), day(cred.valid_until)
    for french in ("une attestation OpenBadgeCredential (VC 2.0, Open Badges 3.0)", "émetteur reconnu : did:web:",
                   "(autorisée pour assertionMethod)", "signature eddsa-rdfc-2022 valide, créée le",
                   f"valable du {start} au {end}", "non révoquée", "Tous les contrôles sont réussis."):
        assert french in page, french
    assert_no_english(page, verification.verify_credential(doc_of(cred), _resolver()))
    assert doc_of(cred)["validFrom"] not in page  # the dates are written for people
    start_en, end_en = day(cred.valid_from, "en"), day(cred.valid_until, "en")
    for english in ("an OpenBadgeCredential (VC 2.0, Open Badges 3.0)", "known issuer did:web:",
                    "(authorised for assertionMethod)", "eddsa-rdfc-2022 signature valid, created",
                    f"valid from {start_en} until {end_en}", "not revoked", "All checks passed."):
        assert english in en, english
    assert "valable du" not in en and "non révoquée" not in en


def test_revoked(client):
    cred = issue()
    services.revoke_credential(cred, reason="Fraud")
    page, en = _pages(client, cred)
    assert 'data-verdict="REVOKED"' in page
    assert "l’émetteur a révoqué cette attestation (bit de statut activé)" in page
    assert "L’émetteur a révoqué cette attestation." in page
    assert_no_english(page)
    assert "the issuer has revoked this credential (status bit set)" in en


def test_expired(client):
    past = timezone.now() - timedelta(days=1)
    cred = issue(valid_from=past - timedelta(days=1000), valid_until=past)
    page, en = _pages(client, cred)
    assert 'data-verdict="EXPIRED"' in page
    assert f"expirée le {day(past)}" in page and f"Expirée le {day(past)}" in page  # check and reason
    assert_no_english(page)
    assert f"Expired on {day(past, 'en')}" in en


def test_not_yet_valid(client):
    soon = timezone.now() + timedelta(days=10)
    cred = issue(valid_from=soon)
    page, en = _pages(client, cred)
    assert 'data-verdict="INVALID"' in page
    assert f"Pas encore valide : valable à partir du {day(soon)}" in page
    assert_no_english(page)
    assert f"Not valid before {day(soon, 'en')}" in en


def _store(cred, doc):
    """The platform's copy of the credential replaced by ``doc`` (the public page verifies what it stores)."""
    type(cred).objects.filter(pk=cred.pk).update(signed_json=json.dumps(doc))


def _resign(doc, key_number=None):
    key = SigningKey.objects.get(number=key_number) if key_number else services.active_key()
    doc = copy.deepcopy(doc)
    doc.pop("proof")
    return signing.sign_document(doc, services.private_key(key), verification_method=services.key_id(key))


def _resolver():
    from badges.resolver import DatabaseResolver

    return DatabaseResolver()


def _altered_name(doc):
    doc["name"] = "Something else"
    return doc


def _added_property(doc):
    doc["credentialSubject"]["grade"] = "A+"
    return doc


def _other_issuer(doc):
    doc["issuer"]["id"] = "did:web:evil.example"
    return _resign_with_foreign_key(doc, "did:web:evil.example#key-1")


def _resign_with_foreign_key(doc, vm):
    doc = copy.deepcopy(doc)
    doc.pop("proof")
    return signing.sign_document(doc, signing.generate_private_key(), verification_method=vm)


def _unknown_key(doc):
    doc["proof"][0]["verificationMethod"] = doc["proof"][0]["verificationMethod"].split("#")[0] + "#key-99"
    return doc


def _not_bundled(doc):
    doc["@context"].append("https://evil.example/context.jsonld")
    return doc


def _no_achievement(doc):
    del doc["credentialSubject"]["achievement"]
    return doc


def _no_status(doc):
    del doc["credentialStatus"]
    return _resign(doc)


INVALID_CASES = [
    # (how, French text on the page, English text on /en/)
    (_altered_name, "Preuve invalide : la signature ne correspond pas à l’attestation",
     "Invalid proof: the signature does not match the credential"),
    (_added_property, "un terme de l’attestation n’est pas défini par ses contextes JSON-LD",
     "a term of the credential is not defined by its JSON-LD contexts"),
    (_other_issuer, "Émetteur inconnu : 'did:web:evil.example'", "Unknown issuer 'did:web:evil.example'"),
    (_unknown_key, "Méthode de vérification inconnue : did:web:", "Unknown verification method did:web:"),
    (_not_bundled, "contexte JSON-LD non fourni avec le vérificateur, refusé : https://evil.example/context.jsonld",
     "JSON-LD context not bundled, refused: https://evil.example/context.jsonld"),
    (_no_achievement, "CredentialSubject (avec son achievement) est absent",
     "CredentialSubject with an achievement is missing"),
    (_no_status, "Pas de credentialStatus : la révocation ne peut pas être vérifiée",
     "No credentialStatus: revocation cannot be checked"),
]


@pytest.mark.parametrize("alter,french,english", INVALID_CASES, ids=[c[0].__name__.strip("_") for c in INVALID_CASES])
def test_invalid_reasons(client, alter, french, english):
    cred = issue()
    doc = alter(doc_of(cred))
    _store(cred, doc)
    report = verification.verify_credential(copy.deepcopy(doc), _resolver())
    assert report.verdict == "INVALID"
    page, en = _pages(client, cred)
    assert 'data-verdict="INVALID"' in page
    assert french in page
    assert_no_english(page, report)
    assert english in en and french not in en


def test_status_list_unavailable(client):
    cred = issue()
    StatusList.objects.update(signed_json="")
    page, en = _pages(client, cred)
    url = doc_of(cred)["credentialStatus"]["statusListCredential"]
    assert f"La liste de statut {url} est indisponible" in page
    assert_no_english(page)
    assert f"Status list {url} is unavailable" in en


def test_tampered_status_list(client):
    cred = issue()
    sl = StatusList.objects.get()
    slc = json.loads(sl.signed_json)
    slc["credentialSubject"]["encodedList"] = slc["credentialSubject"]["encodedList"][:-4] + "AAAA"
    StatusList.objects.filter(pk=sl.pk).update(signed_json=json.dumps(slc))
    page, en = _pages(client, cred)
    assert "La signature de la liste de statut est invalide" in page
    assert_no_english(page)
    assert "The status list's signature is invalid" in en


def test_key_revoked_before_issuance(client, revoked_keys_stay_listed):
    cred = issue()
    services.revoke_key(cred.signing_key, revoked_from=cred.issued_at - timedelta(hours=1), reason="compromised")
    page, en = _pages(client, cred)
    assert 'data-verdict="INVALID"' in page
    assert "Signée avec une clé révoquée le " in page and "(signature du " in page
    assert_no_english(page)
    assert "Signed with a key revoked on " in en


def test_unexpected_error(client, monkeypatch):
    cred = issue()

    def boom(doc):
        raise RuntimeError("bug")

    monkeypatch.setattr(verification, "_structure", boom)
    page, en = _pages(client, cred)
    assert "Erreur de vérification : RuntimeError" in page
    assert "Verification error: RuntimeError" in en


# ------------------------------------------------------------------------------------ upload page
@pytest.mark.parametrize("text,french", [
    ("not json at all {", "L’attestation n’est pas un JSON valide"),
    ("[1, 2]", "L’attestation doit être un objet JSON"),
    ('{"@context": ["https://example.org/ctx"]}', "@context doit être une liste commençant par"),
])
def test_upload_page_structure_errors(client, text, french):
    page = _text(client.post("/badges/verify/", {"text": text}))
    assert 'data-verdict="INVALID"' in page and french in page
    assert_no_english(page)


def test_upload_page_summary_and_file_errors(client):
    cred = issue()
    page = _text(client.post("/badges/verify/", {"text": cred.signed_json}))
    assert 'data-verdict="VALID"' in page and f"du {day(cred.valid_from)} au {day(cred.valid_until)}" in page
    assert_no_english(page)
    page = _text(client.post("/badges/verify/", {"file": SimpleUploadedFile("x.gif", b"GIF89a....")}))
    assert "ce type de fichier n’est pas pris en charge" in page and "unsupported file" not in page
    en = _text(client.post("/en/badges/verify/", {"file": SimpleUploadedFile("x.gif", b"GIF89a....")}))
    assert "this kind of file is not supported" in en


# ------------------------------------------------------------------------------------ API
def test_api_keeps_english_and_adds_the_request_language(client):
    cred = issue()
    doc = _altered_name(doc_of(cred))
    body = json.dumps(doc).encode()
    data = client.post("/api/v1/credentials/verify", data=body, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="fr").json()
    assert data["reason"].startswith("invalid proof (") and "proof" in {c["name"] for c in data["checks"]}
    assert data["localized"]["language"] == "fr"
    assert data["localized"]["reason"].startswith("preuve invalide : la signature ne correspond pas")
    en = client.post("/api/v1/credentials/verify", data=body, content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["reason"] == data["reason"] and en["checks"] == data["checks"]
    assert en["localized"]["reason"].startswith("invalid proof: the signature does not match")


def test_english_text_of_a_message_is_unchanged():
    """``detail``/``reason`` keep the wording the API and the command have always given."""
    past = timezone.now() - timedelta(days=1)
    cred = issue(valid_from=past - timedelta(days=1000), valid_until=past)
    report = verification.verify_credential(doc_of(cred), _resolver())
    assert report.reason == f"expired on {doc_of(cred)['validUntil']}"
    assert report.check("issuer").detail == doc_of(cred)["issuer"]["id"]
    assert report.check("verification_method").detail.endswith(" (assertionMethod)")
    assert report.check("status").detail == "not revoked"
    assert fr(report.message) == f"expirée le {day(past)}"


# ------------------------------------------------------------------------------------ achievement texts
def test_public_page_shows_the_achievement_in_the_readers_language(client):
    ach = make_achievement(slug="lighting-i18n", name="Stage Lighting Safety", name_fr="Sécurité de l’éclairage",
                           description="Rigging and electrical safety.", description_fr="Accroche et sécurité électrique.",
                           criteria_narrative="Pass the safety module.", criteria_narrative_fr="Réussir le module sécurité.")
    cred = issue(achievement=ach)
    page, en = _pages(client, cred)
    for french in ("Sécurité de l’éclairage", "Accroche et sécurité électrique.", "Réussir le module sécurité."):
        assert french in page
    for english in ("Stage Lighting Safety", "Rigging and electrical safety.", "Pass the safety module."):
        assert english not in page and english in en
    # The platform's text changed after issuance: the page shows what was signed, not a translation of
    # something else.
    type(ach).objects.filter(pk=ach.pk).update(criteria_narrative="Pass the new module.",
                                               criteria_narrative_fr="Réussir le nouveau module.")
    page, _ = _pages(client, cred)
    assert "Pass the safety module." in page
    assert "Réussir le module sécurité." not in page and "Réussir le nouveau module." not in page
    assert "Sécurité de l’éclairage" in page  # the name did not change


def test_certification_criteria_in_both_languages(client):
    from exams.models import Exam

    attempt = passed_attempt()
    Exam.objects.filter(pk=attempt.exam_id).update(title_en="Test exam")
    cred = services.issue_for_attempt(attempt.pk).credential
    ach = cred.achievement
    assert ach.criteria_narrative.startswith("Pass the certification exam “Test exam” (theory 100 %)")
    assert ach.criteria_narrative_fr.startswith(
        "Réussir l’examen de certification «\u00a0Examen test\u00a0» (théorie 100\u00a0%)")
    signed = doc_of(cred)["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert signed == ach.criteria_narrative  # one language is signed
    page, en = _pages(client, cred)
    assert ach.criteria_narrative_fr in page and ach.criteria_narrative not in page
    assert ach.criteria_narrative in en
    assert_no_english(page)


def test_holder_page_uses_the_texts(client, student):
    ach = make_achievement(slug="holder-i18n", criteria_narrative_fr="Note pondérée d’au moins 75 %.")
    cred = issue(student, ach)
    client.force_login(student)
    certified = re.compile(r"<h3[^>]*>(?:Ce qui a été certifié|What was certified)</h3>\s*<p>(.*?)</p>")
    assert certified.search(_text(client.get(f"/badges/{cred.pk}/"))).group(1) == "Note pondérée d’au moins 75 %."
    assert certified.search(_text(client.get(f"/en/badges/{cred.pk}/"))).group(1) == ach.criteria_narrative


def test_demo_achievements_have_french_texts():
    from badges import demo
    from badges.models import Achievement

    Achievement.objects.create(slug="stage-lighting-safety", name="Stage Lighting Safety")  # seeded before
    ach = demo._lighting_achievement()
    assert ach.name_fr and ach.description_fr and ach.criteria_narrative_fr
    with translation.override("fr"):
        assert ach.text("name") == "Sécurité de l’éclairage scénique"
    assert ach.text("name", "en") == "Stage Lighting Safety"
    audio = demo._audio_achievement()
    assert audio.text("criteria_narrative", "fr").startswith("Réussir l’examen de certification")
