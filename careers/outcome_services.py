"""The use-cases of placement outcomes, the six-month survey and the satisfaction question: one transaction each.
Refusals raise ``careers.services.CareersError`` with the HTTP status a view answers (the rules are in the pure
``careers.outcomes``)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, Enrolment
from partnerships import access
from partnerships.models import Cohort, CohortMembership, Employer, School

from . import outcomes
from .models import Agreement, FinalReport, Outcome, OutcomeSurvey, SatisfactionAnswer, SatisfactionQuestion
from .services import CareersError, _enqueue

SURVEY_SALT = "careers.outcome-survey"
MAX_FUTURE_DAYS = 183  # an outcome may start up to six months ahead (a signed contract)
SURVEY_MAX_AGE_YEARS = 2  # cohorts graduated longer ago are not surveyed any more (bounds the daily run)


def school_of(student) -> tuple[School | None, Cohort | None]:
    m = (CohortMembership.objects.filter(user=student).select_related("cohort__programme__school")
         .order_by("-cohort__graduation_year").first())
    return (m.cohort.programme.school, m.cohort) if m else (None, None)


def students_of(by, student_id: int):
    """The student ``by`` may record an outcome for: themselves, a student of a school they are staff of, or any
    student for Flow Stage staff. Another school's student answers 404 (their existence is not for others)."""
    from django.contrib.auth import get_user_model

    if by.pk == student_id:
        return by
    ids = access.managed_school_ids(by)
    qs = get_user_model().objects.filter(pk=student_id, cohort_memberships__isnull=False)
    if ids is not None:
        qs = qs.filter(cohort_memberships__cohort__programme__school_id__in=ids)
    student = qs.distinct().first()
    if student is None:
        raise CareersError(_("No such student at your school."), 404)
    return student


@transaction.atomic
def record_outcome(student, *, by, stage: str, status: str, started_on: datetime.date, employer_name: str = "",
                   employer: Employer | None = None, agreement: Agreement | None = None,
                   source: str | None = None, today: datetime.date | None = None) -> Outcome:
    today = today or timezone.localdate()
    school, cohort = school_of(student)
    if school is None:
        raise CareersError(_("This student belongs to no school cohort."), 422)
    if source != Outcome.Source.SURVEY:
        if by is None or (by.pk != student.pk and not access.can_manage(by, school)):
            raise CareersError(_("No such student at your school."), 404)
        source = Outcome.Source.STUDENT if by.pk == student.pk else Outcome.Source.STAFF
    if stage not in Outcome.Stage.values:
        raise CareersError(_("Choose when: after the internship or after graduation."), 422)
    if status not in Outcome.Status.values:
        raise CareersError(_("Choose an outcome from the list."), 422)
    if started_on is None or started_on > today + datetime.timedelta(days=MAX_FUTURE_DAYS):
        raise CareersError(_("The start date must be at most six months ahead."), 422)
    if started_on.year < 1950:
        raise CareersError(_("The start date is too far in the past."), 422)
    employer_name = (employer_name or "").strip()[:160]
    if employer is not None and not employer_name:
        employer_name = employer.name
    if status in outcomes.EMPLOYED and not employer_name:
        raise CareersError(_("Say who employs the student."), 422)
    if agreement is not None and agreement.application.student_id != student.pk:
        raise CareersError(_("This agreement is not the student's."), 422)
    outcome = Outcome(student=student, school=school, cohort=cohort, agreement=agreement, stage=stage, status=status,
                      employer_name=employer_name, employer=employer, started_on=started_on, source=source,
                      recorded_by=by)
    outcome._change_reason = f"recorded by {source}"
    outcome.save()
    return outcome


# --- the six-month survey ------------------------------------------------------------------------------------------

def survey_token(survey: OutcomeSurvey) -> str:
    return signing.dumps({"s": survey.pk, "u": survey.student_id}, salt=SURVEY_SALT, compress=True)


def _survey_from_token(token: str, lock: bool = False) -> OutcomeSurvey:
    try:
        data = signing.loads(token, salt=SURVEY_SALT)
    except signing.BadSignature:
        raise CareersError(_("This link is not valid."), 404) from None
    qs = OutcomeSurvey.objects.select_related("student", "cohort__programme__school")
    if lock:
        qs = qs.select_for_update(of=("self",))
    survey = qs.filter(pk=data.get("s"), student_id=data.get("u")).first()
    if survey is None:
        raise CareersError(_("This link is not valid."), 404)
    return survey


def _check_link(survey: OutcomeSurvey, now) -> None:
    state = outcomes.link_state(survey.sent_at, now, survey.answered_at is not None)
    if state == outcomes.ANSWERED:
        raise CareersError(_("You already answered this survey: thank you."), 409)
    if state == outcomes.EXPIRED:
        raise CareersError(_("This link has expired: record your situation from your account instead."), 410)


def open_survey(token: str, now=None) -> OutcomeSurvey:
    survey = _survey_from_token(token)
    _check_link(survey, now or timezone.now())
    return survey


@transaction.atomic
def answer_survey(token: str, *, status: str, employer_name: str = "", started_on: datetime.date | None = None,
                  now=None) -> Outcome:
    now = now or timezone.now()
    survey = _survey_from_token(token, lock=True)
    _check_link(survey, now)
    today = timezone.localdate(now)
    outcome = record_outcome(survey.student, by=None, stage=Outcome.Stage.AFTER_GRADUATION, status=status,
                             started_on=started_on or today, employer_name=employer_name,
                             source=Outcome.Source.SURVEY, today=today)
    survey.answered_at, survey.outcome = now, outcome
    survey.save(update_fields=["answered_at", "outcome"])
    return outcome


@dataclass
class SurveyRun:
    sent: list
    reminded: list


def due_surveys(today: datetime.date | None = None) -> SurveyRun:
    """Create the surveys now due and mark the reminders now due, each in its own transaction; returns the rows whose
    e-mail is owed (the task sends them). Idempotent: a second run the same day owes nothing."""
    today = today or timezone.localdate()
    now = timezone.now()
    oldest = today.year - SURVEY_MAX_AGE_YEARS - 1
    cohorts = [c for c in Cohort.objects.filter(graduation_year__gte=oldest, graduation_year__lte=today.year)
               if outcomes.survey_due_on(c.graduated_on) <= today]
    run = SurveyRun([], [])
    if not cohorts:
        return run
    ids = [c.pk for c in cohorts]
    existing = {(s.student_id, s.cohort_id): s for s in OutcomeSurvey.objects.filter(cohort_id__in=ids)}
    answered_elsewhere = set(Outcome.objects.filter(stage=Outcome.Stage.AFTER_GRADUATION, cohort_id__in=ids)
                             .values_list("student_id", "cohort_id"))
    by_id = {c.pk: c for c in cohorts}
    for m in CohortMembership.objects.filter(cohort_id__in=ids).select_related("user").order_by("pk"):
        cohort = by_id[m.cohort_id]
        survey = existing.get((m.user_id, m.cohort_id))
        action = outcomes.survey_action(
            cohort.graduated_on, today, timezone.localdate(survey.sent_at) if survey else None,
            timezone.localdate(survey.reminded_at) if survey and survey.reminded_at else None,
            bool(survey and survey.answered_at), (m.user_id, m.cohort_id) in answered_elsewhere)
        if action == outcomes.SEND:
            try:
                with transaction.atomic():
                    survey = OutcomeSurvey.objects.create(student=m.user, cohort=cohort, sent_at=now)
            except IntegrityError:  # another run created it meanwhile
                continue
            run.sent.append(survey)
        elif action == outcomes.REMIND:
            with transaction.atomic():
                updated = OutcomeSurvey.objects.filter(pk=survey.pk, reminded_at__isnull=True,
                                                       answered_at__isnull=True).update(reminded_at=now)
            if updated:
                survey.reminded_at = now
                run.reminded.append(survey)
    return run


# --- satisfaction (net promoter question) --------------------------------------------------------------------------

# Rules: the question is put once per module and per internship, at its end — a module completed (every lesson done)
# or passed (its credits written), an internship whose final report is co-signed (``careers.reports``) — and e-mailed
# in the student's preferred language (``SatisfactionQuestion`` records it: asked once). It is answered once (a
# second answer: 409), only by the student whose module or internship it is, only once it is over (403).

def module_over(student, course) -> bool:
    """The module is completed (every lesson done) or passed (its credits are on the student's record)."""
    from courses.models import CreditRecord

    return (Enrolment.objects.filter(user=student, course=course, completed_at__isnull=False).exists()
            or CreditRecord.objects.filter(user=student, course=course).exists())


def internship_over(agreement: Agreement) -> bool:
    """The internship's final report is co-signed (a locked version, or a correction of one)."""
    return FinalReport.objects.filter(agreement=agreement, locked_at__isnull=False).exists()


def ask_satisfaction(student, *, course: CoursePage | None = None, agreement: Agreement | None = None):
    """Put the question once (a second call does nothing) and e-mail it, in the student's language, on commit."""
    from django.conf import settings

    if (course is None) == (agreement is None):
        raise ValueError("one module or one internship")
    if course is not None:
        subject, filt = SatisfactionAnswer.Subject.MODULE, {"course": course}
    else:
        subject, filt = SatisfactionAnswer.Subject.INTERNSHIP, {"agreement": agreement}
    if SatisfactionAnswer.objects.filter(student=student, **filt).exists():
        return None
    lang = (getattr(student, "preferred_language", "") or "")[:2]
    lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            question, created = SatisfactionQuestion.objects.get_or_create(
                student=student, **filt, defaults={"subject": subject, "language": lang, "asked_at": timezone.now()})
    except IntegrityError:  # asked meanwhile by another process
        return None
    if created:  # the e-mail through the outbox: written with the question, sent once after the commit
        _enqueue("careers.tasks.ask_satisfaction", question.pk)
    return question


def pending_satisfaction(student, today: datetime.date | None = None) -> dict:
    """The modules the student completed or passed and the internships whose report is co-signed that they have not
    rated yet."""
    from courses.models import CreditRecord

    done_courses = set(SatisfactionAnswer.objects.filter(student=student, course__isnull=False)
                       .values_list("course_id", flat=True))
    done_agreements = set(SatisfactionAnswer.objects.filter(student=student, agreement__isnull=False)
                          .values_list("agreement_id", flat=True))
    course_ids = list(Enrolment.objects.filter(user=student, completed_at__isnull=False)
                      .order_by("-completed_at").values_list("course_id", flat=True)[:50])
    course_ids += [c for c in CreditRecord.objects.filter(user=student, course__isnull=False)
                   .order_by("-pk").values_list("course_id", flat=True)[:50] if c not in course_ids]
    by_id = CoursePage.objects.in_bulk([c for c in course_ids if c not in done_courses])
    courses = [by_id[c] for c in course_ids if c in by_id]
    agreements = [a for a in Agreement.objects.filter(application__student=student,
                                                      reports__locked_at__isnull=False)
                  .select_related("application__offer__employer").distinct().order_by("-end_date")[:50]
                  if a.pk not in done_agreements]
    return {"courses": courses, "agreements": agreements}


@transaction.atomic
def rate(student, *, score, course: CoursePage | None = None, agreement: Agreement | None = None, comment: str = "",
         today: datetime.date | None = None) -> SatisfactionAnswer:
    today = today or timezone.localdate()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 10:
        raise CareersError(_("Choose a score from 0 to 10."), 422)
    if (course is None) == (agreement is None):
        raise CareersError(_("Rate one module or one internship."), 422)
    if course is not None:
        if not Enrolment.objects.filter(user=student, course=course).exists():
            raise CareersError(_("This module is not yours: you are not enrolled in it."), 404)
        if not module_over(student, course):
            raise CareersError(_("You can rate a module once you have completed or passed it."), 403)
        subject, filt = SatisfactionAnswer.Subject.MODULE, {"course": course}
    else:
        if agreement.application.student_id != student.pk:
            raise CareersError(_("This internship is not yours."), 404)
        if not internship_over(agreement):
            raise CareersError(_("You can rate an internship once its final report is co-signed."), 403)
        subject, filt = SatisfactionAnswer.Subject.INTERNSHIP, {"agreement": agreement}
    if SatisfactionAnswer.objects.filter(student=student, **filt).exists():
        raise CareersError(_("You already answered: thank you."), 409)
    try:
        with transaction.atomic():
            return SatisfactionAnswer.objects.create(student=student, subject=subject, score=score,
                                                     comment=(comment or "")[:1000], answered_at=timezone.now(),
                                                     **filt)
    except IntegrityError:
        raise CareersError(_("You already answered: thank you."), 409) from None
