"""Celery tasks: thin, idempotent wrappers around services."""
from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from lms.links import configured_base

from . import services
from .models import Partnership


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


@shared_task(name="partnerships.tasks.send_cohort_invitations")
def send_cohort_invitations(invitation_ids: list[int]):
    """Mail each pending invitation a fresh single-use link (its secret is made here, never queued), in the
    invitee's language when they have an account, else in the language the school worked in."""
    messages = []
    for inv, link, language in services.issue_invitation_links(invitation_ids):
        with translation.override(language):
            context = {"invitation": inv, "cohort": inv.cohort, "school": inv.cohort.programme.school,
                       "link": link, "expires_at": inv.expires_at, "base_url": settings.PUBLIC_BASE_URL}
            subject = render_to_string("partnerships/email/cohort_invitation_subject.txt", context).strip()
            body = render_to_string("partnerships/email/cohort_invitation.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [inv.email]))
    return get_connection().send_messages(messages) or 0
