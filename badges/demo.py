"""Demo data of the badges app (idempotent): issuer and key, the "Audio Engineer — Flow Stage Ready"
achievement, a credential for every passed certification attempt (Lucas Martin), one revoked
credential, one expired credential, and the credential of a passed course module (Lucas Martin, with its ECTS
credits)."""
import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from badges import services, signing
from badges.models import Achievement, Credential

DEMO_CANDIDATES = ["lucas.martin@demo.flowstage.test"]
REVOKED_NARRATIVE = "Issued by mistake before the practical part was graded (demo)."
EXPIRED_NARRATIVE = "Stage lighting safety module, 2023 session (demo)."
# What the demo writes exists in both languages (the signed text is English; French readers see the French).
FRENCH = {
    REVOKED_NARRATIVE: "Délivré par erreur avant la notation de la partie pratique (démo).",
    EXPIRED_NARRATIVE: "Module de sécurité de l’éclairage scénique, session 2023 (démo).",
    "Stage lighting safety module, 2022 session (demo).": "Module de sécurité de l’éclairage scénique, session 2022 "
                                                           "(démo).",  # an earlier demo's text
}
REVOKED_REASON = "Issued by mistake: the exam was not passed."
REVOKED_REASON_FR = "Délivré par erreur : l’examen n’a pas été réussi."
OLD_EXPIRED_NARRATIVE = "Stage lighting safety module, 2022 session (demo)."


def _audio_achievement() -> Achievement:
    try:
        from exams.models import Certification
    except ImportError:  # exams not installed
        Certification = None
    cert = None
    if Certification is not None:
        cert = Certification.objects.filter(name_fr__icontains="Audio Engineer").select_related("exam").first()
    if cert is not None:
        return services.ensure_achievement_for_certification(cert)
    return _with_french(Achievement.objects.get_or_create(slug="audio-engineer-flow-stage-ready", defaults={
        "name": "Audio Engineer — Flow Stage Ready",
        "description": "Live and studio sound engineering, certified by Flow Stage.",
        "criteria_narrative": "Pass the certification exam (theory 60 %, practical 40 %) with at least 75 %.",
        "tags": ["Flow Stage Ready", "Sound"],
    })[0], {
        "name_fr": "Audio Engineer — Flow Stage Ready",
        "description_fr": "Sonorisation live et studio, certifiée par Flow Stage.",
        "criteria_narrative_fr": "Réussir l’examen de certification (théorie 60 %, pratique 40 %) avec au moins 75 %.",
    })


def _lighting_achievement() -> Achievement:
    return _with_french(Achievement.objects.get_or_create(slug="stage-lighting-safety", defaults={
        "name": "Stage Lighting Safety",
        "description": "Rigging and electrical safety for stage lighting.",
        "criteria_narrative": "Pass the stage lighting safety module (quiz and supervised practical).",
        "achievement_type": "Competency",
        "tags": ["Lighting", "Safety"],
        "validity_days": 2 * 365,
        "colour": "#b45309",
    })[0], {
        "name_fr": "Sécurité de l’éclairage scénique",
        "description_fr": "Accroche et sécurité électrique de l’éclairage de scène.",
        "criteria_narrative_fr": "Réussir le module de sécurité de l’éclairage scénique (quiz et pratique encadrée).",
    })


def _with_french(ach: Achievement, french: dict) -> Achievement:
    """Fill the French texts the achievement lacks (also on a database seeded before they existed)."""
    missing = [k for k, v in french.items() if not getattr(ach, k)]
    for k in missing:
        setattr(ach, k, french[k])
    if missing:
        ach.save(update_fields=[*missing, "updated_at"])
    return ach


def _backdate(cred: Credential, when) -> None:
    """Demo only: a credential the story says was issued at ``when`` (years ago) was signed then too: its proof's
    ``created`` and the registry's ``issued_at`` say so, as its validFrom does (no page shows a signature made
    after the badge expired)."""
    from django.db import transaction

    from badges import transparency

    doc = json.loads(cred.signed_json)
    doc.pop("proof", None)
    key = cred.signing_key
    with transaction.atomic():
        before = Credential.objects.select_for_update().get(pk=cred.pk)
        signed = services.sign_credential(doc, key, created=services.xsd(when))
        Credential.objects.filter(pk=cred.pk).update(signed_json=signed, issued_at=when)
        # signed anew: the issuance log records the document it now is (append-only: the first stays listed)
        transparency.append("reissued", Credential(pk=cred.pk, signed_json=signed), replaces=before)


def _align_skills(audio: Achievement, lighting: Achievement) -> None:
    """The skills the demo's achievements align to, and the continuing-education courses that teach them."""
    from courses.models import CoursePage

    sound, light = services.ensure_skill("sound"), services.ensure_skill("lighting")
    for skill, code in ((sound, "FC-FOH-01"), (light, "FC-LUM-01")):
        course = CoursePage.objects.filter(code=code, locale__language_code="fr").first()
        if course is not None:
            skill.courses.add(course)
    if not audio.skills.filter(pk=sound.pk).exists():
        audio.skills.add(sound)
    if not lighting.skills.filter(pk=light.pk).exists():
        lighting.skills.add(light)


MODULE_CODE = "IM-4.0"  # the cohort's curriculum module (courses demo), passed by Lucas Martin
MODULE_MARKS = {"continuous": "15", "project": "14", "certification": "16"}  # /20 each: a pass


def _passed_module_credential() -> Credential | None:
    """Lucas Martin passes the cohort's module "Music Industry 4.0" (his marks entered by the demo teacher):
    courses writes his ECTS credits and announces the pass; badges issues the module's credential (here too, in
    case the issuance task runs elsewhere: the service is idempotent). None without the courses demo."""
    from courses import services as course_services
    from courses.models import CoursePage, CreditRecord, Enrolment
    from lms.accounts.models import User

    lucas = User.objects.filter(email=DEMO_CANDIDATES[0]).first()
    teacher = User.objects.filter(email="teacher@demo.flowstage.test").first()
    module = CoursePage.objects.filter(code=MODULE_CODE, locale__language_code="fr").first()
    if lucas is None or teacher is None or module is None:
        return None
    enrolment = Enrolment.objects.filter(user=lucas, course=module).first()
    if enrolment is None:
        return None
    components = {c.key: c for c in module.assessment_components.all()}
    if not CreditRecord.objects.filter(user=lucas, course=module).exists():
        for key, mark in MODULE_MARKS.items():
            component = components.get(key)
            if component is None:
                continue
            if component.automatic:  # takes his certification result (80 % = 16/20), never a typed mark
                course_services.record_certification_result(lucas.pk, Decimal(mark) * 5)
            else:
                course_services.set_component_mark(enrolment, key, mark, "twenty", teacher)
    record = CreditRecord.objects.filter(user=lucas, course=module).first()
    result = services.issue_for_module(record.pk) if record else None
    return result.credential if result else None


def seed(out):
    from lms.accounts.models import User

    services.get_issuer()
    services.active_key()
    audio = _audio_achievement()
    issued = 0
    try:
        from exams.models import Attempt
    except ImportError:
        Attempt = None
    if Attempt is not None:
        # Only the exams demo's candidates: lms.demo_history (run after this step) adds history attempts
        # of its own, and issuing for them on a second run would break idempotency.
        for attempt_id in Attempt.objects.filter(passed=True, exam__certification__isnull=False,
                                                 user__email__in=DEMO_CANDIDATES).values_list(
                "pk", flat=True).order_by("pk"):
            result = services.issue_for_attempt(attempt_id)
            issued += bool(result and result.created)

    emma = User.objects.filter(email="emma.petit@demo.flowstage.test").first()
    marie = User.objects.filter(email="marie.dubois@demo.flowstage.test").first()
    if emma is not None and not Credential.objects.filter(user=emma, narrative=REVOKED_NARRATIVE).exists():
        cred = services.issue_credential(emma, audio, narrative=REVOKED_NARRATIVE,
                                         narrative_fr=FRENCH[REVOKED_NARRATIVE], notify=False).credential
        services.revoke_credential(cred, reason=REVOKED_REASON, reason_fr=REVOKED_REASON_FR)
    if marie is not None and not Credential.objects.filter(
            user=marie, narrative__in=[EXPIRED_NARRATIVE, OLD_EXPIRED_NARRATIVE]).exists():
        # Issued three years ago for two years: expired a year ago. It was issued (signed) when it became valid,
        # so every page shows the same dates: valid from, valid until, and the issuance the registry records.
        start = (timezone.now() - timedelta(days=3 * 365)).replace(microsecond=0)
        cred = services.issue_credential(marie, _lighting_achievement(), narrative=EXPIRED_NARRATIVE,
                                         narrative_fr=FRENCH[EXPIRED_NARRATIVE], notify=False,
                                         valid_from=start, valid_until=start + timedelta(days=2 * 365)).credential
        _backdate(cred, start)
    # A database seeded by an earlier demo: French versions and coherent issuance dates.
    for cred in Credential.objects.filter(narrative__in=list(FRENCH), narrative_fr=""):
        Credential.objects.filter(pk=cred.pk).update(narrative_fr=FRENCH[cred.narrative])
    Credential.objects.filter(revocation_reason=REVOKED_REASON, revocation_reason_fr="").update(
        revocation_reason_fr=REVOKED_REASON_FR)
    for cred in Credential.objects.filter(narrative__in=[EXPIRED_NARRATIVE, OLD_EXPIRED_NARRATIVE]):
        created = services.parse_xsd((signing.single_proof(json.loads(cred.signed_json)) or {}).get("created"))
        if cred.issued_at > cred.valid_from + timedelta(days=1) or (created and created > cred.valid_from
                                                                    + timedelta(days=1)):
            _backdate(cred, cred.valid_from)
    _align_skills(audio, _lighting_achievement())
    module_cred = _passed_module_credential()

    # A demo database seeded on another address (make run PORT=…): its credentials are re-signed for this one,
    # so the demo's badges verify where it runs.
    rebased = sum(services.rebase_credential(c) for c in Credential.objects.only("pk", "signed_json"))
    if rebased:
        out.write(f"  badges: {rebased} credentials re-signed for {services.base_url()}\n")
    out.write(f"  badges: issuer {services.issuer_did()}, {Credential.objects.count()} credentials "
              f"({issued} new), key-{services.active_key().number} active"
              + (f", module {module_cred.achievement.slug} ({module_cred.credits_earned} ECTS) passed by "
                 f"{module_cred.user.email}" if module_cred is not None else ""))
