"""Signal receivers of careers: any change to an offer or to what is cached from it moves the offers' cache version
(``careers.selectors.live_offer_facts`` keeps the parsed facts of the live offers in each process's memory)."""
from django.db.models.signals import post_delete, post_save

from lms import cache_versions

OFFERS_VERSION_KEY = cache_versions.register("careers:offers:version")


def bump_offers_version(**_signal_kwargs) -> None:
    cache_versions.bump(OFFERS_VERSION_KEY)


def connect() -> None:
    from careers.models import Offer, OfferCredential, OfferLanguage, OfferRequirement, PriorityPlacement

    for model in (Offer, OfferRequirement, OfferLanguage, OfferCredential, PriorityPlacement):
        label = model._meta.label_lower
        post_save.connect(bump_offers_version, sender=model, dispatch_uid=f"careers_saved_{label}")
        post_delete.connect(bump_offers_version, sender=model, dispatch_uid=f"careers_deleted_{label}")
