"""Use-cases that change exam state. Each is one transaction; views, the API and tasks call these."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ReferenceIndex

from exams import grading, options, selectors
from exams.models import (
    Accommodation, Attempt, AttemptQuestion, Certification, Exam, PracticalAssessment, PrerequisiteExemption,
    Question, QuestionVersion, RegradeAudit, Registration,
)
from exams.prerequisites import Period, StudentRecord, check_all, all_met
from exams.signals import certification_passed
from lms.scoring import points_to_percent, score
from lms.templatetags.i18n_messages import localize


class ExamError(Exception):
    """A refused use-case; `status` is the HTTP status a view should answer with. `message` is in the active
    language; `reason`, when given, is the same as an `lms.messages.Message` (so the API can answer it in
    stable English and in the client's language)."""

    def __init__(self, message, status=400, reason=None):
        super().__init__(message)
        self.message = str(message)
        self.status = status
        self.reason = reason


# --- Prerequisites and registration ------------------------------------------------------------

def gather_student_record(user, today: date | None = None) -> StudentRecord:
    """The inputs of the prerequisite checks from the student's record (cohort programme, profile)."""
    from partnerships.selectors import student_cohort_membership

    rec = StudentRecord(today=today or timezone.localdate())
    membership = student_cohort_membership(user)
    if membership is not None:
        programme = membership.cohort.programme
        rec.programme_name, rec.programme_domain, rec.degree_level = (
            programme.name, programme.domain, programme.degree_level)
    _gather_profile(user, rec)
    return rec


def _gather_profile(user, rec: StudentRecord) -> None:
    """Internships/apprenticeships, software mastery and documented projects from the student profile
    (lms.accounts): 3 queries. Documented projects = portfolio items + academic projects that have a
    description, a link or a file."""
    from lms.accounts.models import AcademicProject, InternshipRecord, PortfolioItem, SoftwareSkill

    for start, end in InternshipRecord.objects.filter(profile__user=user).values_list("start", "end"):
        rec.experience.append(Period(start, end))
    rec.software = [(name, EXPERTISE_BY_LEVEL.get(level, "")) for name, level in
                    SoftwareSkill.objects.filter(profile__user=user).values_list("software", "level")]
    documented = ~Q(description="") | ~Q(link="") | ~Q(file="")
    rec.portfolio_projects = (PortfolioItem.objects.filter(profile__user=user).filter(documented).count()
                              + AcademicProject.objects.filter(profile__user=user).exclude(description="").count())


# lms.accounts.models.Level (1..5) as the names the prerequisite checks use.
EXPERTISE_BY_LEVEL = {1: "notions", 2: "beginner", 3: "operational", 4: "advanced", 5: "expert"}


def exemptions_for(certification, user) -> dict[str, str]:
    return dict(PrerequisiteExemption.objects.filter(certification=certification, user=user)
                .values_list("prerequisite", "reason"))


def prerequisite_status(certification, user, record: StudentRecord | None = None):
    record = record or gather_student_record(user)
    return check_all(record, certification.requirements(), exemptions_for(certification, user))


def is_entitled(user) -> bool:
    from partnerships.entitlements import FLOW_STAGE_READY_CERTIFICATION, school_has
    from partnerships.selectors import student_school

    return school_has(student_school(user), FLOW_STAGE_READY_CERTIFICATION)


def registration_refusal(certification: Certification, user, results=None) -> ExamError | None:
    """Why ``user`` may not register for ``certification`` now (an ExamError to raise or show), or None."""
    if not certification.active:
        return ExamError(_("This certification is not open for registration."), 409)
    if not is_entitled(user):
        return ExamError(_("Your school's partnership does not include the Flow Stage Ready certification."), 403)
    results = prerequisite_status(certification, user) if results is None else results
    if not all_met(results):
        missing = "; ".join(localize(r.message) for r in results if not r.met)
        return ExamError(_("Prerequisites missing: %(missing)s") % {"missing": missing}, 409)
    if Registration.objects.filter(certification=certification, user=user).exists():
        return ExamError(_("You are already registered for this certification."), 409)
    return None


def register(certification: Certification, user) -> Registration:
    """Register a student: entitlement of their school, every prerequisite met (or exempted), fee 149 €."""
    results = prerequisite_status(certification, user)
    refusal = registration_refusal(certification, user, results)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        reg, created = Registration.objects.get_or_create(
            certification=certification, user=user,
            defaults={"fee": certification.price, "prerequisites": [
                {"code": r.code, "met": r.met, "reason": r.reason, "exempted": r.exempted} for r in results]},
        )
    if not created:
        raise ExamError(_("You are already registered for this certification."), 409)
    return reg


def grant_exemption(certification, user, prerequisite: str, reason: str, by) -> PrerequisiteExemption:
    if prerequisite not in dict(PrerequisiteExemption._meta.get_field("prerequisite").choices):
        raise ExamError(_("Unknown prerequisite."))
    if not (reason or "").strip():
        raise ExamError(_("An exemption needs a reason."))
    obj, _created = PrerequisiteExemption.objects.update_or_create(
        certification=certification, user=user, prerequisite=prerequisite,
        defaults={"reason": reason.strip(), "granted_by": by, "granted_at": timezone.now()},
    )
    return obj


# --- Starting an attempt ----------------------------------------------------------------------

def extra_minutes(exam, user) -> int:
    rows = Accommodation.objects.filter(user=user).filter(Q(exam=exam) | Q(exam__isnull=True))
    return max((a.extra_minutes for a in rows), default=0)


def start_check(exam: Exam, user, now=None) -> str | None:
    """Why the user may not start a new attempt now (None = may start)."""
    now = now or timezone.now()
    if exam.available_from and now < exam.available_from:
        return _("This exam opens on %(date)s.") % {"date": f"{timezone.localtime(exam.available_from):%Y-%m-%d %H:%M}"}
    if exam.available_until and now > exam.available_until:
        return _("This exam is closed.")
    cert = Certification.objects.filter(exam=exam).first()
    if cert is not None and not Registration.objects.filter(certification=cert, user=user).exists():
        return _("Register for the certification first.")
    previous = list(Attempt.objects.filter(exam=exam, user=user).order_by("-number")[: exam.max_attempts + 1])
    if len(previous) >= exam.max_attempts:
        return _("You have used all %(n)s attempts.") % {"n": exam.max_attempts}
    if previous and exam.wait_between_attempts:
        last_end = previous[0].submitted_at or previous[0].hard_deadline
        if now < last_end + exam.wait_between_attempts:
            return _("You may try again from %(date)s.") % {
                "date": f"{timezone.localtime(last_end + exam.wait_between_attempts):%Y-%m-%d %H:%M}"}
    if previous and previous[0].passed:
        return _("You already passed this exam.")
    return None


def _pick_questions(exam: Exam, rng: random.Random) -> list[Question]:
    chosen: list[Question] = []
    seen: set[int] = set()
    for fq in exam.fixed_questions.select_related("question").all():
        if fq.question_id not in seen:
            chosen.append(fq.question)
            seen.add(fq.question_id)
    for draw in exam.random_draws.select_related("category").order_by("pk"):
        pool = list(Question.objects.filter(category=draw.category, active=True).exclude(pk__in=seen).order_by("pk"))
        if len(pool) < draw.count:
            raise ExamError(_("The question bank has too few questions for this exam."), 409)
        for q in rng.sample(pool, draw.count):
            chosen.append(q)
            seen.add(q.pk)
    if not chosen:
        raise ExamError(_("This exam has no questions."), 409)
    return chosen


def start_attempt(exam: Exam, user, now=None) -> Attempt:
    """Resume the open attempt, or start a new one (deadline stored now, seeded shuffles)."""
    now = now or timezone.now()
    existing = Attempt.objects.filter(exam=exam, user=user, status=Attempt.Status.OPEN).first()
    if existing is not None:
        if ensure_fresh(existing, now).status == Attempt.Status.OPEN:
            return existing
    reason = start_check(exam, user, now)
    if reason:
        raise ExamError(reason, 409)
    seed = secrets.randbits(62)
    rng = random.Random(seed)
    try:
        with transaction.atomic():
            number = (Attempt.objects.filter(exam=exam, user=user).aggregate(n=Max("number"))["n"] or 0) + 1
            minutes = exam.time_limit_minutes + extra_minutes(exam, user)
            attempt = Attempt.objects.create(
                exam=exam, user=user, number=number, seed=seed, started_at=now,
                deadline=now + timedelta(minutes=minutes), grace_seconds=exam.grace_seconds,
                second_examiner_required=False,
            )
            questions = _pick_questions(exam, rng)
            rng.shuffle(questions)
            versions = {v.question_id: v for v in QuestionVersion.objects.filter(
                question__in=questions).filter(number=F("question__version"))}
            rows = []
            for pos, q in enumerate(questions, start=1):
                v = versions.get(q.pk) or q.sync_version()
                rows.append(AttemptQuestion(attempt=attempt, version=v, position=pos,
                                            option_order=options.shuffle(v.qtype, v.key, rng)))
            AttemptQuestion.objects.bulk_create(rows)
    except IntegrityError:
        # Two tabs started at once: the partial unique index kept one open attempt; resume it.
        attempt = Attempt.objects.filter(exam=exam, user=user, status=Attempt.Status.OPEN).first()
        if attempt is None:
            raise ExamError(_("Could not start the attempt, try again."), 409) from None
    return attempt


# --- Answering and submitting -----------------------------------------------------------------

def ensure_fresh(attempt: Attempt, now=None) -> Attempt:
    """The check made on every access: an open attempt past its deadline (+ grace) is closed now."""
    if attempt.status == Attempt.Status.OPEN and attempt.is_expired(now):
        submit_attempt(attempt, by_server=True, now=now)
        attempt.refresh_from_db()
    return attempt


@dataclass
class SaveResult:
    saved_at: object
    changed: bool


def save_answer(attempt_id: int, user, question_id: int, response, now=None) -> SaveResult:
    """Save one answer of the user's open attempt. Unchanged answers are not written again.

    The hot path of an exam (every autosave): one SELECT of the question with its version and its attempt,
    the attempt locked against a concurrent submit or server close, then at most one UPDATE."""
    now = now or timezone.now()
    with transaction.atomic():
        aq = (AttemptQuestion.objects.select_related("attempt", "version")
              .select_for_update(of=("attempt",), no_key=True)
              .filter(pk=question_id, attempt_id=attempt_id).first())
        attempt = aq.attempt if aq is not None else \
            Attempt.objects.select_for_update(no_key=True).filter(pk=attempt_id).first()
        if attempt is None or attempt.user_id != user.pk:
            raise ExamError(_("No such attempt."), 404)
        if attempt.status != Attempt.Status.OPEN:
            raise ExamError(_("This attempt is closed; answers can no longer be changed."), 409)
        expired = attempt.is_expired(now)
        if not expired:
            if aq is None:
                raise ExamError(_("This question is not part of the attempt."), 404)
            try:
                # The client names options by this attempt's tokens; the bank's ids are stored.
                cleaned = grading.validate_response(aq.version.qtype, aq.version.key,
                                                    options.from_client(aq, response))
            except grading.GradingError as exc:
                raise ExamError(localize(exc.message), 422, reason=exc.message) from None
            if (aq.response or {}) == cleaned:
                return SaveResult(aq.saved_at, False)
            AttemptQuestion.objects.filter(pk=aq.pk).update(response=cleaned, saved_at=now)
            return SaveResult(now, True)
    submit_attempt(attempt, by_server=True, now=now)
    raise ExamError(_("The time is up: the attempt was closed with the answers saved before the deadline."), 409)


def _grade_theory(attempt: Attempt, questions) -> None:
    earned, maximum = Decimal(0), Decimal(0)
    for aq in questions:
        v = aq.version
        aq.awarded = grading.award(v.qtype, v.key, aq.response or {}, v.points)
        earned += aq.awarded
        maximum += v.points
    AttemptQuestion.objects.bulk_update(questions, ["awarded"])
    attempt.theory_points, attempt.theory_max = earned, maximum
    attempt.theory_pct = points_to_percent(earned, maximum)


def submit_attempt(attempt: Attempt, by_server=False, now=None) -> Attempt:
    """Close and grade the theory part. Idempotent: a closed attempt is returned unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update(of=("self",)).select_related("exam").get(pk=attempt.pk)
        if locked.status != Attempt.Status.OPEN:
            return locked
        questions = list(AttemptQuestion.objects.filter(attempt=locked).select_related("version"))
        _grade_theory(locked, questions)
        locked.submitted_at = min(now, locked.hard_deadline) if by_server else now
        locked.closed_by_server = by_server
        locked.status = Attempt.Status.AWAITING if locked.exam.has_practical else Attempt.Status.GRADED
        locked.save()
        if not locked.exam.has_practical:
            _finalise(locked, now)
    return locked


def close_expired_attempts(now=None) -> int:
    now = now or timezone.now()
    n = 0
    candidates = Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lt=now).only("pk", "deadline",
                                                                                           "grace_seconds", "status")
    for attempt in candidates.iterator():
        if attempt.is_expired(now):
            submit_attempt(attempt, by_server=True, now=now)
            n += 1
    return n


# --- Practical part and final result ----------------------------------------------------------

def _finalise(attempt: Attempt, now=None) -> None:
    """Weighted final score with lms.scoring once every part is marked; notify a first pass once."""
    exam = attempt.exam
    marks = {"theory": attempt.theory_pct}
    if exam.has_practical:
        marks["practical"] = attempt.practical_pct
    result = score(exam.scheme(), marks)
    if not result.complete:
        return
    attempt.final_pct = result.total
    attempt.passed = result.passed
    attempt.status = Attempt.Status.GRADED
    attempt.graded_at = attempt.graded_at or now or timezone.now()
    notify = attempt.passed and attempt.pass_notified_at is None and hasattr(exam, "certification")
    if notify:
        attempt.pass_notified_at = now or timezone.now()
    attempt.save(update_fields=["final_pct", "passed", "status", "graded_at", "pass_notified_at"])
    if hasattr(exam, "certification"):  # the modules' "certification" component takes the result (best so far)
        from courses import services as course_services

        course_services.record_certification_result(attempt.user_id, attempt.final_pct)
    if notify:
        pk = attempt.pk

        def send():
            certification_passed.send(sender=Attempt, attempt=Attempt.objects.select_related(
                "exam__certification", "user").get(pk=pk))

        transaction.on_commit(send)


def score_practical(attempt: Attempt, examiner, levels: dict, comments: dict | None = None,
                    overall_comment: str = "", sign_off: bool = False, now=None) -> PracticalAssessment:
    """Record an examiner's rubric scoring (one level per criterion); signing off finalises it."""
    now = now or timezone.now()
    comments = comments or {}
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("exam__rubric").get(pk=attempt.pk)
        if attempt.status != Attempt.Status.AWAITING or not attempt.exam.has_practical:
            raise ExamError(_("This attempt is not awaiting a practical assessment."), 409)
        if not selectors.may_examine(examiner, attempt):
            raise ExamError(_("You may not assess this attempt."), 403)
        rubric = attempt.exam.rubric
        existing = {a.order: a for a in attempt.assessments.all()}
        mine = next((a for a in existing.values() if a.examiner_id == examiner.pk), None)
        if mine is None:
            if 1 not in existing:
                order = 1
            elif attempt.second_examiner_required and 2 not in existing and existing[1].signed_off_at:
                order = 2
            else:
                raise ExamError(_("Another examiner is assessing this attempt."), 409)
            mine = PracticalAssessment(attempt=attempt, rubric=rubric, examiner=examiner, order=order)
        if mine.signed_off_at:
            raise ExamError(_("This assessment is signed off and can no longer change."), 409)
        criteria = {str(c.pk): c for c in rubric.criteria.prefetch_related("levels")}
        levels_by_id = {str(c_id): {str(lv.pk): lv for lv in c.levels.all()} for c_id, c in criteria.items()}
        clean_levels = {}
        for c_id, lv_id in (levels or {}).items():
            if lv_id in (None, ""):
                continue
            if str(c_id) not in criteria:
                raise ExamError(_("Unknown rubric criterion."), 422)
            if str(lv_id) not in levels_by_id[str(c_id)]:
                raise ExamError(_("This level does not belong to the criterion (score out of range)."), 422)
            clean_levels[str(c_id)] = str(lv_id)
        if sign_off and set(clean_levels) != set(criteria):
            raise ExamError(_("Score every criterion before signing off."), 422)
        mine.levels = clean_levels
        mine.comments = {str(k): str(v)[:4000] for k, v in comments.items() if str(k) in criteria and v}
        mine.overall_comment = (overall_comment or "")[:4000]
        points = sum((levels_by_id[c][lv].points for c, lv in clean_levels.items()), Decimal(0))
        mine.points = points
        maximum = sum((c.max_points() for c in criteria.values()), Decimal(0))
        mine.percent = points_to_percent(points, maximum)
        if sign_off:
            mine.signed_off_at = now
        mine.save()
        if sign_off:
            _maybe_complete_practical(attempt, now)
    return mine


def _maybe_complete_practical(attempt: Attempt, now) -> None:
    signed = [a for a in attempt.assessments.all() if a.signed_off_at]
    needed = 2 if attempt.second_examiner_required else 1
    if len(signed) < needed:
        return
    # With two examiners the practical mark is the mean of both (exact Decimal).
    attempt.practical_pct = sum((a.percent for a in signed), Decimal(0)) / len(signed)
    attempt.save(update_fields=["practical_pct"])
    _finalise(attempt, now)


def request_second_examiner(attempt: Attempt, by) -> Attempt:
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != Attempt.Status.AWAITING:
            raise ExamError(_("Only an attempt awaiting grading can get a second examiner."), 409)
        attempt.second_examiner_required = True
        attempt.save(update_fields=["second_examiner_required"])
    return attempt


# --- Regrading --------------------------------------------------------------------------------

@dataclass
class RegradeChange:
    attempt_id: int
    user: str
    before: dict
    after: dict

    @property
    def newly_passed(self) -> bool:
        return bool(self.after.get("passed")) and not self.before.get("passed")


def _snapshot(attempt) -> dict:
    return {"theory_points": str(attempt.theory_points), "theory_pct": str(attempt.theory_pct),
            "final_pct": None if attempt.final_pct is None else str(attempt.final_pct), "passed": attempt.passed}


def regrade_question(question: Question, by, dry_run=True, now=None) -> list[RegradeChange]:
    """Grade every closed attempt that showed any version of `question` against its current key.

    Dry run: returns what would change, writes nothing. Otherwise each changed attempt is updated,
    audited (who, when, before, after) and, if it newly passes, notified like any pass."""
    from lms.scoring import score as score_scheme

    now = now or timezone.now()
    current = question.current_version
    changes: list[RegradeChange] = []
    attempt_ids = list(AttemptQuestion.objects.filter(version__question=question)
                       .exclude(attempt__status=Attempt.Status.OPEN).values_list("attempt_id", flat=True))
    chunk = 2000
    schemes: dict[int, object] = {}
    for i in range(0, len(attempt_ids), chunk):
        ids = attempt_ids[i:i + chunk]
        with transaction.atomic():
            attempts = {a.pk: a for a in Attempt.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                        .select_related("exam", "user")}
            aqs = list(AttemptQuestion.objects.filter(attempt_id__in=ids, version__question=question)
                       .select_related("version").only("pk", "attempt_id", "response", "awarded",
                                                        "version__points"))
            by_attempt: dict[int, list] = {}
            for aq in aqs:
                by_attempt.setdefault(aq.attempt_id, []).append(aq)
            changed_aqs, changed_attempts, audits = [], [], []
            for aid, rows in by_attempt.items():
                attempt = attempts[aid]
                before = _snapshot(attempt)
                earned = attempt.theory_points or Decimal(0)
                touched = []
                for aq in rows:
                    new = grading.award(current.qtype, current.key, aq.response or {}, aq.version.points)
                    if new != aq.awarded:
                        earned += new - (aq.awarded or Decimal(0))
                        aq.awarded = new
                        touched.append(aq)
                if not touched:
                    continue
                attempt.theory_points = earned
                attempt.theory_pct = points_to_percent(earned, attempt.theory_max)
                if attempt.final_pct is not None:
                    marks = {"theory": attempt.theory_pct}
                    if attempt.exam.has_practical:
                        marks["practical"] = attempt.practical_pct
                    if attempt.exam_id not in schemes:
                        schemes[attempt.exam_id] = attempt.exam.scheme()
                    result = score_scheme(schemes[attempt.exam_id], marks)
                    attempt.final_pct, attempt.passed = result.total, result.passed
                after = _snapshot(attempt)
                changes.append(RegradeChange(aid, attempt.user.get_display_name(), before, after))
                if not dry_run:
                    changed_aqs.extend(touched)
                    changed_attempts.append(attempt)
                    audits.append(RegradeAudit(attempt=attempt, by=by, at=now, question=question,
                                               before=before, after=after))
            if not dry_run and changed_attempts:
                # Few distinct values: one UPDATE per value is far cheaper than a CASE-per-row bulk_update.
                by_award: dict[Decimal, list[int]] = {}
                for aq in changed_aqs:
                    by_award.setdefault(aq.awarded, []).append(aq.pk)
                for value, pks in by_award.items():
                    AttemptQuestion.objects.filter(pk__in=pks).update(awarded=value)
                by_result: dict[tuple, list[int]] = {}
                for a in changed_attempts:
                    by_result.setdefault((a.theory_points, a.theory_pct, a.final_pct, a.passed), []).append(a.pk)
                for (points, pct, final, passed), pks in by_result.items():
                    Attempt.objects.filter(pk__in=pks).update(theory_points=points, theory_pct=pct, final_pct=final,
                                                              passed=passed)
                RegradeAudit.objects.bulk_create(audits, batch_size=2000)
                for attempt in changed_attempts:
                    if attempt.passed and attempt.pass_notified_at is None and attempt.status == Attempt.Status.GRADED:
                        _finalise(attempt, now)
    return changes


# --- Question bank: scoping and import --------------------------------------------------------

def is_bank_admin(user) -> bool:
    from lms.accounts import roles

    return user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF)


def certification_bank():
    """The categories that are Flow Stage's alone: flagged Flow Stage only, drawn from by a certification
    exam, or holding a question fixed on one. Ids, as a subquery."""
    from exams.models import ExamFixedQuestion, ExamRandomDraw, QuestionCategory

    drawn = ExamRandomDraw.objects.filter(exam__certification__isnull=False).values("category_id")
    fixed = ExamFixedQuestion.objects.filter(exam__certification__isnull=False).values("question__category_id")
    return QuestionCategory.objects.filter(Q(flowstage_only=True) | Q(pk__in=drawn) | Q(pk__in=fixed)).values("pk")


def categories_for(user, write: bool = False):
    """The one rule for who sees which bank: the categories a user may see (their schools' + Flow Stage's
    shared ones) or write (their schools'). Flow Stage's bank administrators see and write every category;
    nobody else ever sees a certification bank (`certification_bank`), even one of their school."""
    from lms.accounts import roles
    from exams.models import QuestionCategory
    from partnerships.models import SchoolMember

    if is_bank_admin(user):
        return QuestionCategory.objects.all()
    if not roles.has_role(user, roles.TEACHER, roles.EXAMINER, roles.SCHOOL_STAFF):
        return QuestionCategory.objects.none()
    schools = SchoolMember.objects.filter(user=user).values("school_id")
    mine = Q(school_id__in=schools)
    return (QuestionCategory.objects.filter(mine if write else (mine | Q(school__isnull=True)))
            .exclude(pk__in=certification_bank()))


def questions_for(user):
    return Question.objects.filter(category__in=categories_for(user))


def parse_import(fmt: str, source: str):
    """The file parsed by the parser of its format (bounded: `exams.formats.MAX_QUESTIONS`)."""
    from exams.formats import gift, moodlexml

    return (gift.parse if fmt == "gift" else moodlexml.parse)(source)


def stage_import(user, fmt: str, category, language: str, source: str):
    """Keep a previewed file until it is confirmed (see `StagedImport`). Bounded: the user's staged
    files past the last `STAGED_IMPORTS_PER_USER - 1` and everyone's expired ones are deleted."""
    from exams.formats import MAX_SOURCE_BYTES
    from exams.models import STAGED_IMPORT_LIFETIME, STAGED_IMPORTS_PER_USER, StagedImport

    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise ExamError(_("The file is too large (2 MB at most)."), 413)
    with transaction.atomic():
        StagedImport.objects.filter(created_at__lt=timezone.now() - STAGED_IMPORT_LIFETIME).delete()
        keep = StagedImport.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)[
            :STAGED_IMPORTS_PER_USER - 1]
        StagedImport.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
        return StagedImport.objects.create(user=user, fmt=fmt, category=category, language=language, source=source)


def import_staged(staged, user) -> list[Question]:
    """Import a staged file (parsed again: what was previewed is what is imported), then forget it;
    one transaction, all or nothing."""
    with transaction.atomic():
        created = import_questions(parse_import(staged.fmt, staged.source), staged.category, user, staged.language)
        staged.delete()
    return created


def import_questions(parsed, category, user, lang: str = "fr") -> list[Question]:
    """Create every parsed question in one transaction; refuse if anything was rejected.

    Questions go into the category their file's category line names (`$CATEGORY:` in GIFT, a
    `category` pseudo-question in Moodle XML), else into `category`. Named categories are looked up
    in the scope (school) of `category` and the missing ones are created there, in the same
    transaction (see `selectors.import_plan` for what is refused)."""
    from exams.formats import to_key
    from exams.models import QuestionCategory
    from exams.selectors import import_plan

    if parsed.truncated:
        raise ExamError(too_many_questions_message(), 413)
    if parsed.rejected:
        raise ExamError(_("Fix the rejected lines first: the import is all-or-nothing."), 422)
    if not parsed.questions:
        raise ExamError(_("The file contains no question."), 422)
    writable = categories_for(user, write=True)
    if not writable.filter(pk=category.pk).exists():
        raise ExamError(_("You may not add questions to this category."), 403)
    other = "en" if lang == "fr" else "fr"
    created = []
    try:
        with transaction.atomic():
            plan = import_plan(parsed, category)
            if plan.rejected:
                raise ExamError(_("Fix the rejected lines first: the import is all-or-nothing."), 422)
            targets = {t.category.pk for _pq, t in plan.rows if t.category is not None}
            if writable.filter(pk__in=targets).count() != len(targets):
                raise ExamError(_("You may not add questions to this category."), 403)
            # Categories a file names are created beside the chosen one; beside a certification bank they
            # are Flow Stage's alone too, until an exam draws from them.
            reserved = category.school_id is None and certification_bank().filter(pk=category.pk).exists()
            new = {name: QuestionCategory.objects.create(name=name, school_id=category.school_id,
                                                         flowstage_only=reserved)
                   for name in plan.new_names}
            for pq, target in plan.rows:
                q = Question(category=target.category or new[target.name], name=pq.name[:200], qtype=pq.qtype,
                             points=pq.points, key=to_key(pq, lang),
                             **{f"text_{lang}": pq.text, f"feedback_{lang}": pq.feedback,
                                f"text_{other}": "", f"feedback_{other}": ""})
                try:
                    q.full_clean(exclude=["category"])  # the categories were checked (writable) or created above
                except ValidationError as exc:
                    # The parsers' `check` refuses what the model refuses; this is the last guard.
                    raise ExamError(_("Line %(line)s cannot be stored (%(reason)s); nothing was imported.")
                                    % {"line": pq.line, "reason": "; ".join(exc.messages)}, 422) from None
                q.version = 1
                created.append(q)
            # In bulk (an import holds up to MAX_QUESTIONS): the questions, their version 1 (what
            # `Question.save` would make) and Wagtail's reference index that its post_save would update.
            Question.objects.bulk_create(created, batch_size=500)
            QuestionVersion.objects.bulk_create(
                [QuestionVersion(question=q, number=1, **{f: getattr(q, f) for f in Question.CONTENT_FIELDS})
                 for q in created], batch_size=500)
            for q in created:
                ReferenceIndex.create_or_update_for_object(q)
    except IntegrityError:
        # Someone created one of the new categories at the same moment: nothing was imported.
        raise ExamError(_("The bank changed during the import; nothing was imported, try again."), 409) from None
    return created


def too_many_questions_message() -> str:
    from exams.formats import MAX_QUESTIONS, MAX_SOURCE_BYTES

    return _("The file is beyond what one import may hold (%(max)s questions, %(mb)s MB at most): "
             "nothing will be imported; split it into several files.") % {
        "max": MAX_QUESTIONS, "mb": MAX_SOURCE_BYTES // 1_000_000}


def export_parsed(categories, lang: str = "fr"):
    """The questions of several categories, category by category (each carries its category name,
    so the exporters write the category lines). 1 query."""
    from exams.formats import from_key
    from exams.models import tr

    ids = [c.pk for c in categories]
    out = []
    for q in (Question.objects.filter(category_id__in=ids).select_related("category")
              .order_by("category__name", "category_id", "pk")):
        out.append(from_key(q.qtype, q.key, text=tr(q, "text", lang), name=q.name, points=q.points,
                            feedback=tr(q, "feedback", lang), category=q.category.name, lang=lang))
    return out


# --- Rubric versions --------------------------------------------------------------------------

def new_rubric_version(rubric):
    """A used rubric is immutable: copy it (criteria and levels) as version n+1 to edit that instead."""
    from exams.models import Rubric, RubricCriterion, RubricLevel

    with transaction.atomic():
        latest = Rubric.objects.filter(family=rubric.family).aggregate(v=Max("version"))["v"] or rubric.version
        copy = Rubric.objects.create(family=rubric.family, version=latest + 1, title_fr=rubric.title_fr,
                                     title_en=rubric.title_en)
        for c in rubric.criteria.prefetch_related("levels"):
            nc = RubricCriterion.objects.create(rubric=copy, position=c.position, title_fr=c.title_fr,
                                                title_en=c.title_en, description_fr=c.description_fr,
                                                description_en=c.description_en)
            RubricLevel.objects.bulk_create([RubricLevel(criterion=nc, position=lv.position, label_fr=lv.label_fr,
                                                         label_en=lv.label_en, descriptor_fr=lv.descriptor_fr,
                                                         descriptor_en=lv.descriptor_en, points=lv.points)
                                             for lv in c.levels.all()])
    return copy
