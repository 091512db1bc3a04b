"""Badges' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready).

An issued credential is kept and stays verifiable after erasure: the signed document names its holder only by a
salted SHA-256 of their e-mail address (badges.services.identity_object), never by name, so it is not changed
(changing it would break its signature). Its public page stops showing the holder's name (privacy "minimal"),
and the holder, who keeps their copy and knows their e-mail address, can still prove it is theirs. The copies handed
to the holder's wallets (``HolderCopy``: bound to the wallet's DID) are exported with their credential and kept like
it; the offers not taken up are deleted on erasure."""
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd


def export(user) -> list:
    from badges.models import Credential

    return [
        {**pd.row(c, ("id", "short_id", "achievement", "score", "valid_from", "valid_until", "issued_at",
                      "revoked_at", "revocation_reason", "privacy", "narrative")),
         "achievement_name": c.achievement.name, "signed_document": c.signed_json,
         "wallet_copies": [{"holder_did": h.holder_did, "issued_at": h.issued_at.isoformat(),
                            "superseded_at": h.superseded_at.isoformat() if h.superseded_at else None,
                            "signed_document": h.signed_json} for h in c.holder_copies.all()]}
        for c in Credential.objects.filter(user=user).select_related("achievement").prefetch_related("holder_copies")
    ]


def anonymise(user) -> dict:
    from badges.models import Credential, WalletOffer

    hidden = Credential.objects.filter(user=user).exclude(privacy=Credential.Privacy.HIDDEN)
    count = hidden.update(privacy=Credential.Privacy.MINIMAL)
    offers, _by_model = WalletOffer.objects.filter(credential__user=user, completed_at__isnull=True,
                                                   holder_copy__isnull=True).delete()
    return {"credentials_without_name": count, "wallet_offers_deleted": offers}


def register() -> None:
    pd.register(
        "badges", order=40, title=_("Badges and credentials"), export=export, anonymise=anonymise,
        retained=_("Kept: the credentials issued to you, unchanged, so that anyone you gave one to can still "
                   "verify it; they name you only by a salted fingerprint of your e-mail address. Their public "
                   "pages no longer show your name."),
    )
