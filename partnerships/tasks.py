"""Celery tasks: thin, idempotent wrappers around services."""
from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from lms.links import configured_base

from . import services
from .models import Cohort, Partnership


@shared_task(name="partnerships.tasks.open_due_renewals")
def open_due_renewals():
    """Daily (beat): open "renewal due" 60 days before each term ends; notifications follow on commit."""
    return services.open_due_renewals()


def _mail(user, template, context):
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        subject = render_to_string(f"partnerships/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"partnerships/email/{template}.txt", {**context, "user": user})
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@shared_task(name="partnerships.tasks.notify_renewal_due")
def notify_renewal_due(partnership_id: int):
    p = Partnership.objects.select_related("school", "tier").filter(pk=partnership_id).first()
    if p is None:
        return 0
    messages = [_mail(u, "renewal_due", {"partnership": p, "base_url": configured_base()})
                for u in services.renewal_recipients(p)]
    return get_connection().send_messages(messages) or 0


@shared_task(name="partnerships.tasks.send_invitations")
def send_invitations(user_ids: list[int], cohort_id: int):
    """Invite newly created students to set their password (Django's password-reset token)."""
    cohort = Cohort.objects.select_related("programme__school").filter(pk=cohort_id).first()
    users = get_user_model().objects.filter(pk__in=user_ids)
    messages = []
    for user in users:
        if user.has_usable_password():
            continue  # already set: the invitation is not resent
        messages.append(_mail(user, "invitation", {"cohort": cohort, "link": services.invitation_link(user)}))
    return get_connection().send_messages(messages) or 0
