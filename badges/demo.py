"""Demo data of the badges app (idempotent): issuer and key, the "Audio Engineer — Flow Stage Ready"
achievement, a credential for every passed certification attempt (Lucas Martin), one revoked
credential and one expired credential."""
from datetime import timedelta

from django.utils import timezone

from badges import services
from badges.models import Achievement, Credential

DEMO_CANDIDATES = ["lucas.martin@demo.flowstage.test"]
REVOKED_NARRATIVE = "Issued by mistake before the practical part was graded (demo)."
EXPIRED_NARRATIVE = "Stage lighting safety module, 2022 session (demo)."


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
        cred = services.issue_credential(emma, audio, narrative=REVOKED_NARRATIVE, notify=False).credential
        services.revoke_credential(cred, reason="Issued by mistake: the exam was not passed.")
    if marie is not None and not Credential.objects.filter(user=marie, narrative=EXPIRED_NARRATIVE).exists():
        start = (timezone.now() - timedelta(days=3 * 365)).replace(microsecond=0)
        services.issue_credential(marie, _lighting_achievement(), narrative=EXPIRED_NARRATIVE, notify=False,
                                  valid_from=start, valid_until=start + timedelta(days=2 * 365))
    out.write(f"  badges: issuer {services.issuer_did()}, {Credential.objects.count()} credentials "
              f"({issued} new), key-{services.active_key().number} active")
