"""Bounded-query reads of the badges app, for its pages and for the composing pages in lms/."""
from __future__ import annotations

from django.utils import timezone

from badges import services
from badges.models import BulkIssuance, Credential


def credential_status(cred: Credential, now=None) -> str:
    now = now or timezone.now()
    if cred.revoked_at:
        return "revoked"
    if cred.valid_until and cred.valid_until < now:
        return "expired"
    return "valid"


def _as_dict(cred: Credential, now) -> dict:
    return {
        "id": str(cred.pk),
        "name": cred.achievement.name,
        "achievement": cred.achievement.name,
        "issued_on": timezone.localdate(cred.issued_at) if cred.issued_at else cred.valid_from.date(),
        "valid_until": timezone.localdate(cred.valid_until) if cred.valid_until else None,
        "status": credential_status(cred, now),
        "verify_url": services.short_url(cred.short_id),
        "public": cred.privacy != Credential.Privacy.HIDDEN,
    }


def _base_qs():
    return Credential.objects.select_related("achievement").defer("signed_json").order_by("-issued_at")


def credentials_for_user(user) -> list[dict]:
    """One query."""
    now = timezone.now()
    return [_as_dict(c, now) for c in _base_qs().filter(user=user)]


def credentials_by_user(users) -> dict[int, list[dict]]:
    """One query for any number of users: ``users`` is a list of ids or a queryset of user ids (a subquery)."""
    now = timezone.now()
    out: dict[int, list[dict]] = {} if hasattr(users, "query") else {uid: [] for uid in users}
    for c in _base_qs().filter(user_id__in=users):
        out.setdefault(c.user_id, []).append(_as_dict(c, now))
    return out


def holder_credentials(user):
    return list(_base_qs().filter(user=user))


def staff_credentials(query: str = "", limit: int = 200):
    qs = Credential.objects.select_related("achievement", "user").defer("signed_json").order_by("-issued_at")
    if query:
        from django.db.models import Q

        qs = qs.filter(Q(user__email__icontains=query) | Q(user__last_name__icontains=query)
                       | Q(achievement__name__icontains=query) | Q(short_id=query))
    return list(qs[:limit])


def recent_bulk_jobs(limit: int = 10):
    return list(BulkIssuance.objects.select_related("achievement").order_by("-created_at")[:limit])
