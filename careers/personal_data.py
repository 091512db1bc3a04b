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
        **_followup_export(user),
        **_export_outcomes(user),
    }


def _followup_export(user) -> dict:
    """Follow-up during the internship: the student's professional contacts, the mid-term evaluations of their
    internships (or filled in by them as a tutor), the calls they requested as a referent."""
    from careers.models import CallRequest, MidtermEvaluation, ProfessionalContact

    return {
        "professional_contacts": pd.rows(ProfessionalContact.objects.filter(student=user)),
        "midterm_evaluations": pd.rows(MidtermEvaluation.objects.filter(
            Q(agreement__application__student=user) | Q(submitted_by=user))),
        "call_requests": pd.rows(CallRequest.objects.filter(
            Q(requested_by=user) | Q(evaluation__agreement__application__student=user))),
    }


def _export_outcomes(user) -> dict:
    from careers.models import Outcome, OutcomeSurvey, SatisfactionAnswer, SatisfactionQuestion

    return {
        "outcomes": pd.rows(Outcome.objects.filter(student=user)),
        "outcome_surveys": pd.rows(OutcomeSurvey.objects.filter(student=user)),
        "satisfaction_questions": pd.rows(SatisfactionQuestion.objects.filter(student=user)),
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
    from careers.models import ProfessionalContact

    done["professional_contacts"] = ProfessionalContact.objects.filter(student=user).delete()[0]
    # outcomes stay as anonymous counts of the school's placement figures; the employer named and the comments go
    from careers.models import Outcome, SatisfactionAnswer

    outcomes = Outcome.objects.filter(student=user)
    Outcome.history.filter(id__in=outcomes.values_list("pk", flat=True)).update(employer_name="")
    done["outcomes"] = outcomes.update(employer_name="")
    done["satisfaction_answers"] = SatisfactionAnswer.objects.filter(student=user).update(comment="")
    from careers.models import SatisfactionQuestion

    done["satisfaction_questions"] = SatisfactionQuestion.objects.filter(student=user).delete()[0]
    return done


def register() -> None:
    pd.register(
        "careers", order=50, title=_("Internships and applications"), export=export, anonymise=anonymise,
        retained=_("Kept, under the anonymous account: your applications' offer, status, dates and agreed pay "
                   "(the school's placement records), and your internship agreements with their signatures (a legal "
                   "record the school keeps) with the tutor's mid-term evaluations and the calls requested about "
                   "them. Deleted: your log of professional contacts. Emptied or deleted: your career preferences "
                   "(city, date "
                   "of birth…), your application messages, what employers could see of your profile (consent "
                   "withdrawn), your requests to the school and your matches."),
    )
