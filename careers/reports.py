"""Final report and credits: the end of an internship (issue 12, "At the end"), and the cancellation of an agreement.

Rules stated once:
- The report belongs to a signed agreement (the three parties signed; not cancelled). It is written in parts: the
  tutor evaluates each learning objective of the agreement (met or not, with a comment) and writes an overall
  assessment (through their account, or an e-mailed single-purpose link of purpose "report"); the student uploads
  their own report (the limits of course assignments: ``courses.services.validate_upload``); the referent teacher
  grades it out of 20 (Decimal).
- Only the agreement's tutor (the host's staff member whose e-mail is the agreement's tutor e-mail, or the holder of
  the tutor's report link) signs as tutor; only the agreement's referent signs as referent; anyone else: 403. Each
  signature records who, when and the SHA-256 of the exact content (``report_content``). An edit of the draft voids
  the signatures given on it. Once both signed the same content, the report is locked: any edit is refused (409);
  a correction is a new version with its reason, the old one kept (superseded) and shown.
- On the first lock: the agreement's ECTS are validated as a credit record beside the modules' (once per agreement:
  ``courses.services.award_credits`` with a unique reference), the modules' internship part is validated
  (``courses.services.validate_internship_parts``), and the completed internship becomes a signed Open Badges 3.0
  credential of its own (``badges.services.issue_credential``), once per agreement.
- An agreement is cancelled by its school's staff or its referent, with a reason, before or during the internship
  (not once its report is co-signed): its live signatures are voided, its tutor links stop working, the parties are
  told by e-mail; its history is kept.
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import agreement_document, selectors
from .models import Agreement, AgreementSignature, FinalReport, Kind, ReportSignature, TutorLink
from .services import (
    TUTOR_LINK_SALT, CareersError, _enqueue, _locked_agreement, agreement_hash, may_edit_agreement, open_tutor_link,
)

Role = ReportSignature.Role
MAX_COMMENT = 1000
MAX_OVERALL = 5000
MAX_REASON = 2000
TWENTY = Decimal("20")


# --- who is who -----------------------------------------------------------------------------------------------------

def is_tutor(user, agreement: Agreement) -> bool:
    """The agreement's tutor through their account: a staff member of the host whose e-mail is the tutor's."""
    return bool(user.is_authenticated and agreement.tutor_email and user.email
                and user.email.strip().lower() == agreement.tutor_email.strip().lower()
                and selectors.is_employer_member(user, agreement.application.offer.employer_id))


def report_roles(user, agreement: Agreement) -> set[str]:
    """What ``user`` may do on the report: "tutor", "referent", "student", "school" (the school's staff: correct,
    cancel), "host" (the host's staff: read)."""
    from partnerships import access

    if not user.is_authenticated:
        return set()
    roles = set()
    if is_tutor(user, agreement):
        roles.add("tutor")
    if agreement.referent_id == user.pk:
        roles.add("referent")
    if agreement.application.student_id == user.pk:
        roles.add("student")
    if access.can_manage(user, agreement.school_id) and not access.is_flowstage_staff(user):
        roles.add("school")
    if selectors.is_employer_member(user, agreement.application.offer.employer_id):
        roles.add("host")
    return roles


# --- the content signed ---------------------------------------------------------------------------------------------

def report_content(report: FinalReport) -> dict:
    """What the tutor and the referent sign: the version, the agreement's own signed document, every evaluation, the
    overall assessment, the student's report (by its SHA-256) and the grade."""
    a = report.agreement
    return {
        "document": "final-report", "agreement": a.pk, "agreement_sha256": agreement_hash(a),
        "version": report.version, "correction_reason": report.correction_reason,
        "student": a.application.student.get_display_name(), "host": a.application.offer.employer.name,
        "evaluations": [{"objective": e.get("objective", ""), "measure": e.get("measure", ""), "met": e.get("met"),
                         "comment": e.get("comment", "")} for e in report.evaluations or []],
        "overall_assessment": report.overall_assessment, "evaluated_by": report.evaluated_by_name,
        "student_report": {"name": report.student_report_name, "sha256": report.student_report_sha256},
        "grade_out_of_20": None if report.grade is None else f"{Decimal(report.grade):.2f}",
    }


def report_hash(report: FinalReport) -> str:
    return agreement_document.digest(report_content(report))


def missing_parts(report: FinalReport) -> list[str]:
    """What the report still lacks before it can be signed (translated sentences)."""
    missing = []
    if not report.evaluations or any(e.get("met") is None for e in report.evaluations):
        missing.append(_("the tutor's evaluation of every objective"))
    if not report.overall_assessment.strip():
        missing.append(_("the tutor's overall assessment"))
    if not report.student_report_sha256:
        missing.append(_("the student's report"))
    if report.grade is None:
        missing.append(_("the referent's grade"))
    return missing


def _live(report: FinalReport):
    return ReportSignature.objects.filter(report=report, voided_at__isnull=True)


# --- the report, its parts ------------------------------------------------------------------------------------------

def _fresh_evaluations(agreement: Agreement) -> list[dict]:
    return [{"objective": str(o.get("objective", "")), "measure": str(o.get("measure", "")), "met": None,
             "comment": ""} for o in agreement.objectives or []]


def _report_for_update(agreement: Agreement) -> FinalReport:
    """The current version of the report of a signed agreement, locked for the change (created on first use)."""
    if agreement.status == Agreement.Status.CANCELLED:
        raise CareersError(_("This agreement is cancelled."), 409)
    if agreement.status != Agreement.Status.SIGNED:
        raise CareersError(_("The final report follows a signed agreement: the three parties have not signed this "
                             "one yet."), 409)
    report = (FinalReport.objects.select_for_update(of=("self",))
              .filter(agreement=agreement).exclude(status=FinalReport.Status.SUPERSEDED).first())
    if report is None:
        report = FinalReport.objects.create(agreement=agreement, evaluations=_fresh_evaluations(agreement))
    report.agreement = agreement
    return report


def _require_draft(report: FinalReport) -> None:
    if report.locked:
        raise CareersError(_("The report is co-signed and locked: nothing in it changes any more. A correction is a "
                             "new version, with its reason, asked by the referent teacher or the school."), 409)


def _changed(report: FinalReport, fields: list[str]) -> None:
    """Save the draft; a change of the content signed voids the signatures given on it."""
    before = {s.pk: s.content_hash for s in _live(report)}
    report.save(update_fields=fields)
    now, new_hash = timezone.now(), report_hash(report)
    for sig in _live(report).select_for_update(of=("self",)):
        if before.get(sig.pk) != new_hash:
            sig.voided_at = now
            sig.save(update_fields=["voided_at"])


def current_report(agreement: Agreement) -> FinalReport | None:
    return agreement.reports.exclude(status=FinalReport.Status.SUPERSEDED).first()


def _clean_evaluations(report: FinalReport, evaluations) -> list[dict]:
    rows = list(evaluations or [])
    expected = report.evaluations or []
    if len(rows) != len(expected):
        raise CareersError(_("Evaluate each of the %(n)s objectives of the agreement."), 422, n=len(expected))
    out = []
    for i, (row, base) in enumerate(zip(rows, expected, strict=True), start=1):
        met = row.get("met")
        if met not in (True, False):
            raise CareersError(_("Objective %(n)s: say whether it is met."), 422, n=i)
        comment = str(row.get("comment") or "").strip()
        if len(comment) > MAX_COMMENT:
            raise CareersError(_("Objective %(n)s: the comment is longer than %(max)s characters."), 422, n=i,
                               max=MAX_COMMENT)
        out.append({"objective": base["objective"], "measure": base["measure"], "met": met, "comment": comment})
    return out


def _evaluate(report: FinalReport, evaluations, overall: str, name: str) -> FinalReport:
    _require_draft(report)
    overall = (overall or "").strip()
    if not overall:
        raise CareersError(_("Write the overall assessment."), 422)
    if len(overall) > MAX_OVERALL:
        raise CareersError(_("The overall assessment is longer than %(max)s characters."), 422, max=MAX_OVERALL)
    report.evaluations = _clean_evaluations(report, evaluations)
    report.overall_assessment = overall
    report.evaluated_by_name = (name or "").strip()[:160]
    report.evaluated_at = timezone.now()
    _changed(report, ["evaluations", "overall_assessment", "evaluated_by_name", "evaluated_at"])
    return report


@transaction.atomic
def evaluate(agreement: Agreement, *, by, evaluations, overall: str) -> FinalReport:
    """The tutor (signed in) evaluates each objective and writes the overall assessment."""
    agreement = _locked_agreement(agreement)
    if not is_tutor(by, agreement):
        raise CareersError(_("Only the agreement's tutor evaluates the internship."), 403)
    return _evaluate(_report_for_update(agreement), evaluations, overall, by.get_display_name())


@transaction.atomic
def evaluate_by_link(token: str, *, evaluations, overall: str, name: str) -> FinalReport:
    """The tutor evaluates through their e-mailed report link (the link stays usable until they sign)."""
    access_ = open_tutor_link(token, TutorLink.Action.REPORT)
    agreement = _locked_agreement(access_.agreement)
    if not (name or "").strip():
        raise CareersError(_("Write your full name."), 422)
    return _evaluate(_report_for_update(agreement), evaluations, overall, name)


@transaction.atomic
def submit_student_report(agreement: Agreement, *, by, file) -> FinalReport:
    """The student uploads their own report: the limits of course assignments (size, type)."""
    from courses import services as course_services

    agreement = _locked_agreement(agreement)
    if agreement.application.student_id != by.pk:
        raise CareersError(_("Only the student uploads their own report."), 403)
    if not file:
        raise CareersError(_("Attach your report."), 422)
    try:
        course_services.validate_upload(file)
    except course_services.CourseError as exc:
        raise CareersError(" ".join(exc.messages), 422) from None
    report = _report_for_update(agreement)
    _require_draft(report)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = file.name.rsplit("/", 1)[-1][:200]
    report.student_report.save(name, file, save=False)
    report.student_report_name, report.student_report_sha256 = name, digest.hexdigest()
    report.submitted_at = timezone.now()
    _changed(report, ["student_report", "student_report_name", "student_report_sha256", "submitted_at"])
    return report


def parse_grade(value) -> Decimal:
    try:
        grade = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise CareersError(_("A grade is a number from 0 to 20, not “%(value)s”."), 422, value=str(value)[:20]) \
            from None
    if not grade.is_finite() or grade < 0 or grade > TWENTY:
        raise CareersError(_("A grade is a number from 0 to 20, not “%(value)s”."), 422, value=str(value)[:20])
    return grade.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def grade_report(agreement: Agreement, *, by, grade) -> FinalReport:
    """The referent teacher grades the internship out of 20."""
    agreement = _locked_agreement(agreement)
    if agreement.referent_id != by.pk:
        raise CareersError(_("Only the agreement's referent teacher grades the report."), 403)
    value = parse_grade(grade)
    report = _report_for_update(agreement)
    _require_draft(report)
    report.grade, report.graded_by, report.graded_at = value, by, timezone.now()
    _changed(report, ["grade", "graded_by", "graded_at"])
    return report


# --- co-signature, then the credits and the credential --------------------------------------------------------------

def _sign(report: FinalReport, role: str, *, signer, name: str, via: str, expected_hash: str | None) -> ReportSignature:
    _require_draft(report)
    missing = missing_parts(report)
    if missing:
        raise CareersError(_("The report cannot be signed yet: it lacks %(parts)s."), 409,
                           parts=format_lazy(", ".join(["{}"] * len(missing)), *missing))  # each part in the language read
    content_hash = report_hash(report)
    if expected_hash is not None and expected_hash != content_hash:
        raise CareersError(_("The report changed since you read it: read it again before signing."), 409)
    if _live(report).filter(role=role).exists():
        raise CareersError(_("The %(role)s already signed this version of the report."), 409,
                           role=Role(role).label)
    sig = ReportSignature.objects.create(report=report, role=role, signer=signer, signer_name=name[:160], via=via,
                                         content_hash=content_hash, signed_at=timezone.now())
    live = list(_live(report))
    if {s.role for s in live} == set(Role.values) and {s.content_hash for s in live} == {content_hash}:
        report.status, report.locked_at = FinalReport.Status.LOCKED, sig.signed_at
        report.save(update_fields=["status", "locked_at"])
        complete_internship(report)
    return sig


@transaction.atomic
def sign_report(agreement: Agreement, *, by, role: str, content_hash: str | None = None) -> ReportSignature:
    """The tutor or the referent signs the report as it is now (signed in)."""
    agreement = _locked_agreement(agreement)
    if role not in Role.values:
        raise CareersError(_("Unknown role."), 422)
    allowed = is_tutor(by, agreement) if role == Role.TUTOR else agreement.referent_id == by.pk
    if not allowed:
        raise CareersError(_("Only the agreement's tutor and its referent teacher co-sign the report: you cannot sign "
                             "it as %(role)s."), 403, role=Role(role).label)
    return _sign(_report_for_update(agreement), role, signer=by, name=by.get_display_name(),
                 via=AgreementSignature.Via.ACCOUNT, expected_hash=content_hash)


@transaction.atomic
def sign_report_by_link(token: str, *, name: str, content_hash: str | None = None) -> ReportSignature:
    """The tutor signs through their e-mailed report link (once: the link is spent)."""
    access_ = open_tutor_link(token, TutorLink.Action.REPORT)
    link = TutorLink.objects.select_for_update(of=("self",)).get(pk=access_.link.pk)
    if link.used_at is not None:
        raise CareersError(_("This link was already used: a link signs once."), 410)
    name = (name or "").strip()
    if not name:
        raise CareersError(_("Write your full name to sign."), 422)
    agreement = _locked_agreement(access_.agreement)
    sig = _sign(_report_for_update(agreement), Role.TUTOR, signer=None, name=name, via=AgreementSignature.Via.LINK,
                expected_hash=content_hash)
    link.used_at = sig.signed_at
    link.save(update_fields=["used_at"])
    return sig


def internship_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months of an internship, the last day included, rounded half up (3 May – 30 Jul: 3)."""
    days = (end - start).days + 1
    return max(1, int((Decimal(days) / Decimal("30.4375")).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def credential_title(agreement: Agreement, lang: str) -> str:
    """"Stage — Assistant Ingénieur FOH, Sonotec Live, 3 mois, 6 ECTS" (French) or its English version."""
    offer = agreement.application.offer
    months = internship_months(agreement.start_date, agreement.end_date)
    ects = f"{Decimal(agreement.ects_credits).normalize():f}"
    apprentice = agreement.kind == Kind.APPRENTICESHIP
    if lang == "fr":
        kind = "Apprentissage" if apprentice else "Stage"
        parts = [f"{kind} — {offer.title}", offer.employer.name, f"{months} mois"]
    else:
        kind = "Apprenticeship" if apprentice else "Internship"
        parts = [f"{kind} — {offer.title}", offer.employer.name, f"{months} month{'s' if months > 1 else ''}"]
    if agreement.ects_credits:
        parts.append(f"{ects} ECTS")
    return ", ".join(parts)[:200]


def _criteria(report: FinalReport, lang: str) -> str:
    met = [e for e in report.evaluations if e.get("met")]
    n, total = len(met), len(report.evaluations)
    if lang == "fr":
        head = (f"Stage évalué par le tuteur et le référent pédagogique, rapport final co-signé. Objectifs atteints "
                f"({n}/{total}) : ")
    else:
        head = (f"Internship evaluated by the host's tutor and the school's referent teacher, final report co-signed. "
                f"Objectives met ({n}/{total}): ")
    return head + "; ".join(f"{e['objective']} ({e['measure']})" for e in met) + "."


def _issue_credential(report: FinalReport):
    from badges import services as badge_services

    agreement = report.agreement
    student = agreement.application.student
    offer = agreement.application.offer
    achievement = badge_services.ensure_achievement(
        f"internship-{agreement.pk}",
        name=credential_title(agreement, "en"), name_fr=credential_title(agreement, "fr"),
        description=(f"{offer.title} at {offer.employer.name} ({agreement.start_date:%Y-%m-%d} – "
                     f"{agreement.end_date:%Y-%m-%d}), under the tutor {agreement.tutor_name}, for "
                     f"{agreement.school.name}.")[:2000],
        description_fr=(f"{offer.title} chez {offer.employer.name} ({agreement.start_date:%d/%m/%Y} – "
                        f"{agreement.end_date:%d/%m/%Y}), tuteur {agreement.tutor_name}, pour "
                        f"{agreement.school.name}.")[:2000],
        criteria_narrative=_criteria(report, "en"), criteria_narrative_fr=_criteria(report, "fr"),
        achievement_type="ApprenticeshipCertificate" if agreement.kind == Kind.APPRENTICESHIP else "ext:Internship",
        tags=["Flow Stage", "Internship" if agreement.kind == Kind.INTERNSHIP else "Apprenticeship"],
        validity_days=0)
    narrative = (f"Referent teacher's grade: {Decimal(report.grade):.2f}/20. Tutor's overall assessment: "
                 f"{report.overall_assessment}")[:4000]
    narrative_fr = (f"Note du référent : {Decimal(report.grade):.2f}/20. Appréciation du tuteur : "
                    f"{report.overall_assessment}")[:4000]
    return badge_services.issue_credential(student, achievement, score=(Decimal(report.grade) * 5).quantize(
        Decimal("0.01")), narrative=narrative, narrative_fr=narrative_fr,
        valid_from=timezone.now()).credential


def complete_internship(report: FinalReport) -> None:
    """The report was co-signed: validate the ECTS (once per agreement), the modules' internship part, and issue the
    internship's credential (once per agreement). Inside the signing transaction."""
    from courses import services as course_services

    agreement = report.agreement
    student_id = agreement.application.student_id
    if agreement.ects_credits and agreement.ects_credits > 0:
        course_services.award_credits(student_id, reference=f"careers.agreement:{agreement.pk}",
                                      title=f"{agreement.application.offer.title} — "
                                            f"{agreement.application.offer.employer.name}",
                                      ects=agreement.ects_credits, grade=Decimal(report.grade) * 5)
    course_services.validate_internship_parts(student_id)
    earlier = (FinalReport.objects.filter(agreement=agreement, credential__isnull=False)
               .values_list("credential_id", flat=True).first())
    report.credential_id = earlier or _issue_credential(report).pk
    report.save(update_fields=["credential"])


# --- a correction: a new version ------------------------------------------------------------------------------------

@transaction.atomic
def correct_report(agreement: Agreement, *, by, reason: str) -> FinalReport:
    """The referent or the school opens a new version of a co-signed report, with the reason; the old version is
    kept (superseded) and shown. The new one is signed again; the credits and the credential are not given twice."""
    from partnerships import access

    agreement = _locked_agreement(agreement)
    if not (agreement.referent_id == by.pk or access.can_manage(by, agreement.school_id)):
        raise CareersError(_("Only the referent teacher or the school corrects a co-signed report."), 403)
    reason = (reason or "").strip()
    if not reason:
        raise CareersError(_("Say why the report is corrected."), 422)
    if len(reason) > MAX_REASON:
        raise CareersError(_("The reason is longer than %(max)s characters."), 422, max=MAX_REASON)
    old = (FinalReport.objects.select_for_update(of=("self",)).filter(agreement=agreement)
           .exclude(status=FinalReport.Status.SUPERSEDED).first())
    if old is None or not old.locked:
        raise CareersError(_("Only a co-signed report is corrected; a report being written is simply edited."), 409)
    old.status = FinalReport.Status.SUPERSEDED
    old.save(update_fields=["status"])
    return FinalReport.objects.create(
        agreement=agreement, version=old.version + 1, correction_reason=reason, evaluations=old.evaluations,
        overall_assessment=old.overall_assessment, evaluated_by_name=old.evaluated_by_name,
        evaluated_at=old.evaluated_at, student_report=old.student_report.name,
        student_report_name=old.student_report_name, student_report_sha256=old.student_report_sha256,
        submitted_at=old.submitted_at, grade=old.grade, graded_by=old.graded_by, graded_at=old.graded_at,
        credential=old.credential, created_by=by)


# --- the tutor's report link ----------------------------------------------------------------------------------------

@transaction.atomic
def send_report_link(agreement: Agreement, *, by) -> TutorLink:
    """E-mail the tutor an expiring single-purpose link to evaluate and sign the final report."""
    agreement = _locked_agreement(agreement)
    if not (agreement.referent_id == by.pk or may_edit_agreement(by, agreement)):
        raise CareersError(_("No such agreement."), 404)
    if not agreement.tutor_email:
        raise CareersError(_("Write the tutor's e-mail address first."), 422)
    report = _report_for_update(agreement)
    _require_draft(report)
    link = TutorLink.objects.create(agreement=agreement, action=TutorLink.Action.REPORT,
                                    document_hash=agreement_hash(agreement), sent_to=agreement.tutor_email,
                                    sent_at=timezone.now())
    token = signing.dumps({"a": agreement.pk, "l": link.pk, "act": link.action, "h": link.document_hash},
                          salt=TUTOR_LINK_SALT)
    link_id = link.pk
    _enqueue("careers.tasks.send_report_link", link_id, token)
    return link


# --- cancelling an agreement ----------------------------------------------------------------------------------------

@transaction.atomic
def cancel_agreement(agreement: Agreement, *, by, reason: str) -> Agreement:
    """The school's staff or the referent cancel the agreement, with the reason, before or during the internship:
    live signatures voided, tutor links dead (they check the status), the parties told; history kept."""
    from partnerships import access

    agreement = _locked_agreement(agreement)
    if not (agreement.referent_id == by.pk or access.can_manage(by, agreement.school_id)):
        if selectors.agreement_for(by, agreement.pk) is None:
            raise CareersError(_("No such agreement."), 404)
        raise CareersError(_("Only the school's staff or the referent teacher cancel an agreement."), 403)
    if agreement.status == Agreement.Status.CANCELLED:
        raise CareersError(_("This agreement is already cancelled."), 409)
    if FinalReport.objects.filter(agreement=agreement, status=FinalReport.Status.LOCKED).exists():
        raise CareersError(_("The internship is completed (its final report is co-signed): it is no longer "
                             "cancelled."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise CareersError(_("Say why the agreement is cancelled."), 422)
    if len(reason) > MAX_REASON:
        raise CareersError(_("The reason is longer than %(max)s characters."), 422, max=MAX_REASON)
    now = timezone.now()
    for sig in AgreementSignature.objects.select_for_update(of=("self",)).filter(agreement=agreement,
                                                                                  voided_at__isnull=True):
        sig.voided_at = now
        sig.save(update_fields=["voided_at"])
    for link in TutorLink.objects.select_for_update(of=("self",)).filter(agreement=agreement, used_at__isnull=True):
        link.used_at = now  # spent: a cancelled agreement's links sign nothing
        link.save(update_fields=["used_at"])
    agreement.status, agreement.cancelled_at, agreement.cancelled_by = Agreement.Status.CANCELLED, now, by
    agreement.cancel_reason = reason
    agreement.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    pk = agreement.pk
    _enqueue("careers.tasks.notify_agreement_cancelled", pk)
    return agreement


# --- reads for the page ---------------------------------------------------------------------------------------------

@dataclass
class ReportPage:
    agreement: Agreement
    report: FinalReport | None
    versions: list
    signatures: dict  # role -> live signature of the current version
    content_hash: str | None
    missing: list
    roles: set
    started: bool = False
    evaluate_form: bool = False
    sign_roles: list = None


def report_page(user, agreement: Agreement) -> ReportPage:
    """The current version with its live signatures, and every earlier version with theirs: a bounded number of
    queries whatever the number of versions."""
    versions = list(FinalReport.objects.filter(agreement=agreement).select_related("graded_by", "credential")
                    .prefetch_related("signatures").order_by("-version"))
    for v in versions:
        v.agreement = agreement
        v.live_signatures = [s for s in v.signatures.all() if s.voided_at is None]
    current = next((v for v in versions if v.status != FinalReport.Status.SUPERSEDED), None)
    started = current is not None
    if current is None:  # not started: an empty version 1 to show (nothing written by reading)
        current = FinalReport(agreement=agreement, evaluations=_fresh_evaluations(agreement))
        current.live_signatures = []
    roles = report_roles(user, agreement)
    signatures = {s.role: s for s in current.live_signatures}
    open_ = agreement.status == Agreement.Status.SIGNED and not current.locked
    return ReportPage(
        agreement=agreement, report=current, versions=[v for v in versions if v is not current], started=started,
        signatures=signatures, content_hash=report_hash(current), missing=missing_parts(current), roles=roles,
        evaluate_form=open_ and "tutor" in roles,
        sign_roles=[r for r in Role.values if open_ and r in roles and r not in signatures])


def english(text) -> str:
    with translation.override("en"):
        return str(text)
