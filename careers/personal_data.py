"""Careers' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready)."""
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd


def export(user) -> dict:
    from careers.models import (
        Agreement, AgreementSignature, Application, ApplicationMessage, CareerProfile, ContactRequest, StoredMatch,
    )

    profile = CareerProfile.objects.filter(user=user).first()
    applications = Application.objects.filter(student=user).select_related("offer")
    return {
        "career_profile": pd.row(profile) if profile else None,
        "applications": [{**pd.row(a, exclude=("decided_by",)), "offer_title": a.offer.title} for a in applications],
        "application_messages": pd.rows(ApplicationMessage.objects.filter(
            Q(application__student=user) | Q(author=user))),
        "requests_to_school": pd.rows(ContactRequest.objects.filter(student=user)),
        "matches": pd.rows(StoredMatch.objects.filter(student=user)),
        "agreements": pd.rows(Agreement.objects.filter(Q(application__student=user) | Q(referent=user))),
        "agreement_signatures": pd.rows(AgreementSignature.objects.filter(
            Q(signer=user) | Q(agreement__application__student=user))),
        **_export_outcomes(user),
    }


def _export_outcomes(user) -> dict:
    from careers.models import Outcome, OutcomeSurvey, SatisfactionAnswer

    return {
        "outcomes": pd.rows(Outcome.objects.filter(student=user)),
        "outcome_surveys": pd.rows(OutcomeSurvey.objects.filter(student=user)),
        "satisfaction_answers": pd.rows(SatisfactionAnswer.objects.filter(student=user)),
    }


def anonymise(user) -> dict:
    from careers.models import Application, ApplicationMessage, CareerProfile, ContactRequest, StoredMatch

    done = {"career_profile": pd.delete_with_history(CareerProfile.objects.filter(user=user))}
    applications = Application.objects.filter(student=user)
    # the applications' history stays (the employer's decisions and when), without the student's words
    Application.history.filter(id__in=applications.values_list("pk", flat=True)).update(message="", consent_parts=[])
    applications.filter(consent_withdrawn_at__isnull=True).update(consent_withdrawn_at=timezone.now())
    done["applications"] = applications.update(message="", consent_parts=[])
    done["messages"] = ApplicationMessage.objects.filter(author=user).update(body="—")
    done["requests_to_school"] = ContactRequest.objects.filter(student=user).delete()[0]
    done["matches"] = StoredMatch.objects.filter(student=user).delete()[0]
    # outcomes stay as anonymous counts of the school's placement figures; the employer named and the comments go
    from careers.models import Outcome, SatisfactionAnswer

    outcomes = Outcome.objects.filter(student=user)
    Outcome.history.filter(id__in=outcomes.values_list("pk", flat=True)).update(employer_name="")
    done["outcomes"] = outcomes.update(employer_name="")
    done["satisfaction_answers"] = SatisfactionAnswer.objects.filter(student=user).update(comment="")
    return done


def register() -> None:
    pd.register(
        "careers", order=50, title=_("Internships and applications"), export=export, anonymise=anonymise,
        retained=_("Kept, under the anonymous account: your applications' offer, status, dates and agreed pay "
                   "(the school's placement records), and your internship agreements with their signatures (a legal "
                   "record the school keeps). Emptied or deleted: your career preferences (city, date "
                   "of birth…), your application messages, what employers could see of your profile (consent "
                   "withdrawn), your requests to the school and your matches."),
    )
