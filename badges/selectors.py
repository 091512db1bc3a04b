"""Bounded-query reads of the badges app, for its pages and for the composing pages in lms/.

Names are for people: an achievement's name in the reader's language (``lang``, default the active language,
i.e. the page's), its French version for French readers when the platform has one (``Achievement.text``). The
lists show the achievement's current name; the pages that present one credential (holder page, public
verification, PDF, e-mail) show the texts it signed (``Credential.texts``)."""
from __future__ import annotations

from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from badges import services
from badges.models import Achievement, BulkIssuance, Credential, reader_language


def credential_status(cred: Credential, now=None) -> str:
    now = now or timezone.now()
    if cred.revoked_at:
        return "revoked"
    valid_until = cred.validity.valid_until
    if valid_until and valid_until < now:
        return "expired"
    return "valid"


def credential_kind(achievement: Achievement) -> str:
    if achievement.course_id:
        return "module"
    if achievement.certification_id or achievement.achievement_type == "Certification":
        return "certification"
    return "other"


def _as_dict(cred: Credential, now, lang: str, request=None) -> dict:
    name = cred.achievement.text("name", lang)
    validity = cred.validity  # the credential's own validFrom / validUntil
    return {
        "id": str(cred.pk),
        "name": name,
        "achievement": name,
        "issued_on": timezone.localdate(validity.valid_from),
        "valid_until": timezone.localdate(validity.valid_until) if validity.valid_until else None,
        "status": credential_status(cred, now),
        "verify_url": services.short_url(cred.short_id, request),
        "verify_path": reverse("badges_short", args=[cred.short_id]),  # for links on pages: any address
        "public": cred.privacy != Credential.Privacy.HIDDEN,
        # a course module's credential (ECTS credits earned), a certification's, or another kind (an internship's)
        "kind": credential_kind(cred.achievement),
        "credits": cred.credits_earned,
    }


def _base_qs():
    """A holder's credentials: a credential superseded by its re-issue (key compromise) is not listed twice."""
    return (Credential.objects.filter(superseded_at__isnull=True).select_related("achievement")
            .defer("signed_json").order_by("-issued_at"))


def credentials_for_user(user, lang: str | None = None, request=None) -> list[dict]:
    """One query. ``name``/``achievement``: the achievement's name for a reader of ``lang`` (default: active);
    ``verify_url`` on the address of ``request`` when given (else the configured base)."""
    now, lang = timezone.now(), reader_language(lang)
    return [_as_dict(c, now, lang, request) for c in _base_qs().filter(user=user)]


def credentials_by_user(users, lang: str | None = None) -> dict[int, list[dict]]:
    """One query for any number of users: ``users`` is a list of ids or a queryset of user ids (a subquery).
    Names as in ``credentials_for_user``."""
    now, lang = timezone.now(), reader_language(lang)
    out: dict[int, list[dict]] = {} if hasattr(users, "query") else {uid: [] for uid in users}
    for c in _base_qs().filter(user_id__in=users):
        out.setdefault(c.user_id, []).append(_as_dict(c, now, lang))
    return out


def holder_credentials(user):
    return list(_base_qs().filter(user=user))


def staff_credentials(query: str = "", limit: int = 200):
    """The latest credentials, or those whose holder's e-mail or last name, achievement name (in either
    language) or short id matches ``query``."""
    qs = Credential.objects.select_related("achievement", "user").defer("signed_json").order_by("-issued_at")
    if query:
        qs = qs.filter(Q(user__email__icontains=query) | Q(user__last_name__icontains=query)
                       | Q(achievement__name__icontains=query) | Q(achievement__name_fr__icontains=query)
                       | Q(short_id=query))
    return list(qs[:limit])


def achievement_choices(lang: str | None = None):
    """Every achievement, ordered by its name for a reader of ``lang`` (the French one when there is one)."""
    if reader_language(lang) == "fr":
        return Achievement.objects.order_by(Coalesce(NullIf("name_fr", Value("")), "name"), "name")
    return Achievement.objects.order_by("name")


def recent_bulk_jobs(limit: int = 10):
    return list(BulkIssuance.objects.select_related("achievement").order_by("-created_at")[:limit])


def skill_page(skill, lang: str | None = None, request=None) -> dict:
    """What the public page of a skill shows, for a reader of ``lang``: its name and description, the achievements
    aligned to it (their current texts in that language, with their certification) and the courses that teach it
    (its own and its certifications' preparation courses) in that language when translated, else the French
    source. Four queries whatever the number of achievements and courses."""
    from courses.models import CoursePage

    lang = reader_language(lang)
    achievements = list(skill.achievements.select_related("certification").order_by("name"))
    sources = {c.pk: c for c in skill.courses.all()}
    prep_ids = [a.certification.preparation_course_id for a in achievements
                if a.certification_id and a.certification.preparation_course_id]
    missing = [pk for pk in prep_ids if pk not in sources]
    if missing:
        sources.update({c.pk: c for c in CoursePage.objects.filter(pk__in=missing)})
    live = [c for c in sources.values() if c.live]
    translated = {c.translation_key: c for c in CoursePage.objects.live().filter(
        translation_key__in=[c.translation_key for c in live], locale__language_code=lang)}
    courses = sorted((translated.get(c.translation_key, c) for c in live), key=lambda c: c.title.lower())
    return {
        "skill": skill,
        "name": skill.text("name", lang),
        "description": skill.text("description", lang),
        "achievements": [{
            "name": a.text("name", lang), "description": a.text("description", lang),
            "criteria": a.text("criteria_narrative", lang), "slug": a.slug,
            "certification_code": a.certification.code if a.certification_id and a.certification.active else "",
        } for a in achievements],
        "courses": [{"title": c.title, "url": c.get_url(request) or "", "code": getattr(c, "code", "")}
                    for c in courses],
    }
