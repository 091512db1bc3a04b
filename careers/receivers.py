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


# --- the satisfaction question at the end of a module (courses announces it; careers asks) -------------------------

def on_module_completed(sender, user_id=None, course_id=None, **kwargs):
    _ask_module(user_id, course_id)


def on_module_passed(sender, record=None, **kwargs):
    if record is not None and record.course_id:
        _ask_module(record.user_id, record.course_id)


def _ask_module(user_id, course_id) -> None:
    if not user_id or not course_id:
        return
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage

    from .outcome_services import ask_satisfaction

    student = get_user_model().objects.filter(pk=user_id).first()
    course = CoursePage.objects.filter(pk=course_id).first()
    if student is not None and course is not None:
        ask_satisfaction(student, course=course)


def connect_courses() -> None:
    from courses import signals as courses_signals

    courses_signals.module_completed.connect(on_module_completed, dispatch_uid="careers.ask_on_module_completed")
    courses_signals.module_passed.connect(on_module_passed, dispatch_uid="careers.ask_on_module_passed")
