"""Badges' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready).

An issued credential is kept and stays verifiable after erasure: the signed document names its holder only by a
salted SHA-256 of their e-mail address (badges.services.identity_object), never by name, so it is not changed
(changing it would break its signature). Its public page stops showing the holder's name (privacy "minimal"),
and the holder, who keeps their copy and knows their e-mail address, can still prove it is theirs."""
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd


def export(user) -> list:
    from badges.models import Credential

    return [
        {**pd.row(c, ("id", "short_id", "achievement", "score", "valid_from", "valid_until", "issued_at",
                      "revoked_at", "revocation_reason", "privacy", "narrative")),
         "achievement_name": c.achievement.name, "signed_document": c.signed_json}
        for c in Credential.objects.filter(user=user).select_related("achievement")
    ]


def anonymise(user) -> dict:
    from badges.models import Credential

    hidden = Credential.objects.filter(user=user).exclude(privacy=Credential.Privacy.HIDDEN)
    count = hidden.update(privacy=Credential.Privacy.MINIMAL)
    return {"credentials_without_name": count}


def register() -> None:
    pd.register(
        "badges", order=40, title=_("Badges and credentials"), export=export, anonymise=anonymise,
        retained=_("Kept: the credentials issued to you, unchanged, so that anyone you gave one to can still "
                   "verify it; they name you only by a salted fingerprint of your e-mail address. Their public "
                   "pages no longer show your name."),
    )
