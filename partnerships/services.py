"""State changes of partnerships, invoices and cohorts — one transaction each."""
import datetime
import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lms.accounts import roles
from lms.queue import enqueue_on_commit

from . import lifecycle
from .csv_import import Row
from .models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    Employer,
    Invoice,
    Partnership,
    PartnershipTransition,
    SchoolMember,
    Tier,
)

S = Partnership.Status


class ServiceError(ValueError):
    """A refused use-case, with a message for people."""


# --- partnership lifecycle ----------------------------------------------------------------------

@transaction.atomic
def transition(partnership: Partnership, target: str, *, by=None, on: datetime.date | None = None, note: str = ""):
    """Move a partnership to `target` if the lifecycle allows it (else lifecycle.TransitionError)."""
    p = Partnership.objects.select_for_update().get(pk=partnership.pk)
    lifecycle.check_transition(p.status, target)
    previous = p.status
    p.status = target
    p._change_reason = f"{previous} → {target}"
    p.save(update_fields=["status"])
    PartnershipTransition.objects.create(
        partnership=p, from_status=previous, to_status=target, on=on or timezone.localdate(), by=by, note=note
    )
    partnership.status = target
    return p


@transaction.atomic
def create_partnership(school, tier: Tier, *, status=S.PROSPECT, start_date=None, end_date=None, annual_fee=None, by=None):
    p = Partnership.objects.create(
        school=school, tier=tier, status=status, start_date=start_date, end_date=end_date,
        annual_fee=tier.annual_fee if annual_fee is None else annual_fee,
    )
    return p


@transaction.atomic
def start_pilot(partnership, *, start_date, end_date, by=None):
    p = transition(partnership, S.PILOT, by=by, on=start_date, note=_("Pilot started"))
    p.start_date, p.end_date = start_date, end_date
    p.save(update_fields=["start_date", "end_date"])
    return p


@transaction.atomic
def activate(partnership, *, start_date=None, end_date=None, by=None, invoice=True):
    """Sign (or convert a pilot): the partnership becomes active for a term and its first invoice is drafted."""
    p = transition(partnership, S.ACTIVE, by=by, on=start_date)
    if start_date or p.start_date is None:
        p.start_date = start_date or timezone.localdate()
        p.end_date = end_date or lifecycle.term_end(p.start_date)
    elif end_date:
        p.end_date = end_date
    if not p.end_date or p.end_date <= p.start_date:
        p.end_date = lifecycle.term_end(p.start_date)
    p.save(update_fields=["start_date", "end_date"])
    if invoice and p.annual_fee > 0 and p.start_date and p.end_date:
        create_invoice(p, p.start_date, p.end_date)
    return p


@transaction.atomic
def open_renewal(partnership, *, today=None, by=None):
    """Mark the partnership as due for renewal for its current term (idempotent per term).
    Returns True when it was opened now (and notifications must go out)."""
    today = today or timezone.localdate()
    p = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not lifecycle.renewal_is_due(p.status, p.end_date, today, p.renewal_opened_for):
        return False
    transition(p, S.RENEWAL_DUE, by=by, on=today, note=_("Renewal opened 60 days before the end of the term"))
    Partnership.objects.filter(pk=p.pk).update(renewal_opened_for=p.end_date)
    partnership.status, partnership.renewal_opened_for = S.RENEWAL_DUE, p.end_date
    enqueue_on_commit("partnerships.tasks.notify_renewal_due", p.pk)
    return True


@transaction.atomic
def renew(partnership, *, tier: Tier | None = None, annual_fee: Decimal | None = None, by=None, on=None):
    """Renew for the next term (optionally at another tier), drafting the new term's invoice."""
    p = transition(partnership, S.RENEWED, by=by, on=on)
    if tier is not None and tier.pk != p.tier_id:
        p.tier = tier
        p._change_reason = _("Tier changed at renewal")
    if annual_fee is not None:
        p.annual_fee = annual_fee
    elif tier is not None:
        p.annual_fee = tier.annual_fee
    if p.end_date:
        p.start_date, p.end_date = lifecycle.next_term(p.start_date or p.end_date, p.end_date)
    p.save()
    if p.annual_fee > 0 and p.start_date and p.end_date:
        create_invoice(p, p.start_date, p.end_date)
    return p


def lapse(partnership, *, by=None, on=None, note=""):
    return transition(partnership, S.LAPSED, by=by, on=on, note=note)


@transaction.atomic
def change_tier(partnership, tier: Tier, *, by=None, reason=""):
    """Upgrade or downgrade; the change is kept in the partnership's history."""
    if tier.pk == partnership.tier_id:
        return partnership
    p = Partnership.objects.select_for_update().get(pk=partnership.pk)
    direction = _("upgrade") if tier.rank > p.tier.rank else _("downgrade")
    p.tier = tier
    p.annual_fee = tier.annual_fee
    p._change_reason = reason or f"{direction}: {tier.name}"
    if by is not None:
        p._history_user = by
    p.save()
    partnership.tier, partnership.annual_fee = p.tier, p.annual_fee
    return p


# --- invoices -------------------------------------------------------------------------------------

INVOICE_FLOW = {
    Invoice.Status.DRAFT: {Invoice.Status.SENT, Invoice.Status.VOID},
    Invoice.Status.SENT: {Invoice.Status.PAID, Invoice.Status.VOID},
    Invoice.Status.PAID: set(),
    Invoice.Status.VOID: set(),
}


def next_invoice_number(year: int) -> str:
    prefix = f"FS-{year}-"
    last = Invoice.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def create_invoice(partnership, period_start, period_end, amount: Decimal | None = None, status=Invoice.Status.DRAFT):
    if period_end < period_start:
        raise ServiceError(_("The invoice period ends before it starts."))
    amount = partnership.annual_fee if amount is None else Decimal(amount)
    if amount < 0:
        raise ServiceError(_("An invoice amount cannot be negative."))
    existing = Invoice.objects.filter(partnership=partnership, period_start=period_start).exclude(
        status=Invoice.Status.VOID).first()
    if existing:
        return existing
    return Invoice.objects.create(
        partnership=partnership, number=next_invoice_number(period_start.year), amount=amount,
        period_start=period_start, period_end=period_end, status=status,
        issued_on=timezone.localdate() if status != Invoice.Status.DRAFT else None,
    )


@transaction.atomic
def set_invoice_status(invoice: Invoice, status: str, *, on=None):
    inv = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if status not in INVOICE_FLOW.get(inv.status, set()):
        raise ServiceError(_("An invoice cannot go from “%(a)s” to “%(b)s”.") % {"a": inv.status, "b": status})
    inv.status = status
    on = on or timezone.localdate()
    if status == Invoice.Status.SENT:
        inv.issued_on = on
    if status == Invoice.Status.PAID:
        inv.paid_on = on
    inv.save()
    invoice.status = inv.status
    return inv


# --- renewals task body -----------------------------------------------------------------------------

def open_due_renewals(today: datetime.date | None = None) -> list[int]:
    """Open "renewal due" for every running term ending within 60 days (once per term)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=lifecycle.RENEWAL_NOTICE_DAYS)
    candidates = Partnership.objects.filter(
        status__in=lifecycle.RENEWABLE, end_date__isnull=False, end_date__lte=horizon
    ).values_list("pk", flat=True)
    opened = []
    for pk in candidates:
        if open_renewal(Partnership.objects.get(pk=pk), today=today):
            opened.append(pk)
    return opened


def renewal_recipients(partnership) -> list:
    """The school's staff and Flow Stage staff (active accounts)."""
    User = get_user_model()
    school_staff = Q(school_memberships__school_id=partnership.school_id, school_memberships__role="staff")
    return list(
        User.objects.filter(is_active=True).filter(school_staff | Q(groups__name=roles.FLOWSTAGE_STAFF))
        .distinct().order_by("email")
    )


# --- cohorts ------------------------------------------------------------------------------------------

def match_rows(cohort: Cohort, rows: list[Row]) -> list[Row]:
    """Check the rows against the cohort. Deliberately blind to accounts: a row reads the same whether its
    address has an account, which school it belongs to or which role it has (the preview must not tell the
    school anything about people who are not its students); who joins at once and who is invited is decided
    at the confirmation (enrol_rows). Kept for the preview's sake: rows carry only their own errors."""
    for r in rows:
        if not r.errors:
            r.status = "ready"
    return rows


def _students_of_school(school_id: int, emails: list[str]) -> dict[str, int]:
    """{e-mail: user id} of the accounts among `emails` that the school may enrol without asking them:
    active students (the student role and no other, not staff), members of a cohort of this school and of no
    other school's cohort, holding no role in another school. Everyone else joins by invitation."""
    User = get_user_model()
    found: dict[str, int] = {}
    for i in range(0, len(emails), 900):
        chunk = emails[i:i + 900]
        candidates = (
            User.objects.annotate(e=Lower("email"))
            .filter(e__in=chunk, is_active=True, is_staff=False, is_superuser=False,
                    groups__name=roles.STUDENT, cohort_memberships__cohort__programme__school_id=school_id)
            .exclude(groups__name__in=[r for r in roles.ROLES if r != roles.STUDENT])
            .exclude(cohort_memberships__cohort__in=Cohort.objects.exclude(programme__school_id=school_id))
            .exclude(school_memberships__in=SchoolMember.objects.exclude(school_id=school_id))
            .values_list("e", "id").distinct()
        )
        found.update(dict(candidates))
    return found


@transaction.atomic
def enrol_rows(cohort: Cohort, rows: list[Row], *, by=None) -> dict:
    """All or nothing. Students of the cohort's school join at once; every other address (a new person, a
    student of another school, an account with another role) receives an invitation and joins only by
    accepting it. The answer counts the two groups, not what the accounts are."""
    rows = match_rows(cohort, [Row(r.line, r.email, r.first_name, r.last_name) for r in rows])
    bad = [r for r in rows if r.errors]
    if bad:
        raise ServiceError(_("%(n)s row(s) have errors; nothing was imported.") % {"n": len(bad)})
    emails = [r.email for r in rows]
    members = set()  # addresses already in this cohort (the school sees its cohort's list anyway)
    for i in range(0, len(emails), 900):
        members.update(CohortMembership.objects.filter(cohort=cohort).annotate(e=Lower("user__email"))
                       .filter(e__in=emails[i:i + 900]).values_list("e", flat=True))
    own = _students_of_school(cohort.programme.school_id, [e for e in emails if e not in members])
    to_add = [own[r.email] for r in rows if r.email in own]
    if to_add:
        bulk_create_with_history(
            [CohortMembership(cohort=cohort, user_id=uid) for uid in to_add], CohortMembership,
            batch_size=500, default_user=by, default_change_reason="enrolled by the school",
        )
    invited = invite_to_cohort(cohort, [r for r in rows if r.email not in own and r.email not in members], by=by)
    return {"enrolled": len(to_add), "invited": invited, "already": len(members)}


def enrol_student(cohort: Cohort, email: str, first_name: str = "", last_name: str = "", *, by=None) -> dict:
    return enrol_rows(cohort, [Row(line=1, email=email.strip().lower(), first_name=first_name, last_name=last_name)], by=by)


# --- invitations ----------------------------------------------------------------------------------------

def invitation_ttl() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "COHORT_INVITATION_TTL_DAYS", 14))


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def invite_to_cohort(cohort: Cohort, rows: list[Row], *, by=None) -> int:
    """Create (or renew) a pending invitation per row; the e-mails go out after the commit, each with a fresh
    single-use link (a renewed invitation's old link stops working). Returns the number of invitations."""
    if not rows:
        return 0
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    language = language[:2] if language[:2] in ("fr", "en") else settings.LANGUAGE_CODE
    emails = [r.email for r in rows]
    pending = {}
    for i in range(0, len(emails), 900):
        pending.update({inv.email: inv for inv in CohortInvitation.objects.select_for_update().filter(
            cohort=cohort, status=CohortInvitation.Status.PENDING, email__in=emails[i:i + 900])})
    renewed, created = [], []
    for r in rows:
        inv = pending.get(r.email)
        if inv is None:
            created.append(CohortInvitation(cohort=cohort, email=r.email, first_name=r.first_name,
                                            last_name=r.last_name, invited_by=by, language=language,
                                            expires_at=now + invitation_ttl()))
        else:
            inv.first_name, inv.last_name = r.first_name or inv.first_name, r.last_name or inv.last_name
            inv.invited_by, inv.expires_at, inv.token_hash = by, now + invitation_ttl(), ""
            renewed.append(inv)
    created = bulk_create_with_history(created, CohortInvitation, batch_size=500, default_user=by,
                                       default_change_reason="invited") if created else []
    if renewed:
        bulk_update_with_history(renewed, CohortInvitation, ["first_name", "last_name", "invited_by",
                                                             "expires_at", "token_hash"],
                                 batch_size=500, default_user=by, default_change_reason="invitation renewed")
    ids = [inv.pk for inv in [*created, *renewed]]
    enqueue_on_commit("partnerships.tasks.send_cohort_invitations", ids)
    return len(rows)


@transaction.atomic
def issue_invitation_links(invitation_ids: list[int]) -> list[tuple[CohortInvitation, str, str]]:
    """Give each pending invitation a new secret (only its hash is kept) and return (invitation, link,
    language) to mail: the invitee's language when they have an account, else the one the school worked in.
    Called by the task, so the secret never travels through the broker."""
    from django.urls import reverse

    out = []
    invitations = list(CohortInvitation.objects.select_for_update().select_related("cohort__programme__school")
                       .filter(pk__in=invitation_ids, status=CohortInvitation.Status.PENDING))
    languages = dict(get_user_model().objects.filter(email__in=[inv.email for inv in invitations])
                     .values_list("email", "preferred_language")) if invitations else {}
    now = timezone.now()
    for inv in invitations:
        raw = secrets.token_urlsafe(32)
        inv.token_hash, inv.sent_at = _token_hash(raw), now
        language = languages.get(inv.email) or inv.language
        with translation.override(language):
            path = reverse("partnerships:invitation", kwargs={"token": raw})
        out.append((inv, settings.PUBLIC_BASE_URL.rstrip("/") + path, language))
    CohortInvitation.objects.bulk_update(invitations, ["token_hash", "sent_at"], batch_size=500)
    return out


class InvitationInvalid(ServiceError):
    """The link is unknown, already used, withdrawn or expired."""


def find_invitation(raw_token: str) -> CohortInvitation:
    """The pending, unexpired invitation of a link, else InvitationInvalid (one message for every case)."""
    if not raw_token or len(raw_token) > 200:
        raise InvitationInvalid(_("This invitation link is not valid any more."))
    inv = (CohortInvitation.objects.select_related("cohort__programme__school", "invited_by")
           .filter(token_hash=_token_hash(raw_token)).first())
    if inv is None or inv.status != CohortInvitation.Status.PENDING or inv.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation link is not valid any more."))
    return inv


def _locked_pending(invitation: CohortInvitation) -> CohortInvitation:
    inv = CohortInvitation.objects.select_for_update().get(pk=invitation.pk)
    if inv.status != CohortInvitation.Status.PENDING or inv.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation link is not valid any more."))
    return inv


@transaction.atomic
def accept_invitation(invitation: CohortInvitation, user) -> CohortMembership:
    """The invitee (signed in as the invited address) joins the cohort as a student. Single use."""
    inv = _locked_pending(invitation)
    if (user.email or "").lower() != inv.email.lower():
        raise ServiceError(_("This invitation was sent to another e-mail address."))
    user.groups.add(_student_group())
    membership = CohortMembership.objects.filter(cohort_id=inv.cohort_id, user=user).first()
    if membership is None:
        membership = CohortMembership(cohort_id=inv.cohort_id, user=user)
        membership._change_reason = "invitation accepted"
        membership.save()
    inv.status, inv.responded_at, inv.user, inv.token_hash = (
        CohortInvitation.Status.ACCEPTED, timezone.now(), user, "")
    inv._change_reason = "accepted"
    inv.save()
    invitation.status = inv.status
    return membership


@transaction.atomic
def accept_invitation_as_new_user(invitation: CohortInvitation, *, password: str, first_name: str,
                                  last_name: str, preferred_language: str = "fr"):
    """An invitee without an account creates one (a student) and joins the cohort."""
    from lms.accounts.services import register_user

    inv = _locked_pending(invitation)
    user = register_user(email=inv.email, password=password, first_name=first_name, last_name=last_name,
                         role=roles.STUDENT, preferred_language=preferred_language)
    membership = accept_invitation(inv, user)
    invitation.status = CohortInvitation.Status.ACCEPTED
    return user, membership


@transaction.atomic
def decline_invitation(invitation: CohortInvitation) -> None:
    inv = _locked_pending(invitation)
    inv.status, inv.responded_at, inv.token_hash = CohortInvitation.Status.DECLINED, timezone.now(), ""
    inv._change_reason = "declined"
    inv.save()
    invitation.status = inv.status


@transaction.atomic
def revoke_invitation(invitation: CohortInvitation, *, by=None) -> None:
    inv = _locked_pending(invitation)
    inv.status, inv.token_hash = CohortInvitation.Status.REVOKED, ""
    inv._change_reason = "revoked"
    if by is not None:
        inv._history_user = by
    inv.save()
    invitation.status = inv.status


def _student_group():
    return Group.objects.get_or_create(name=roles.STUDENT)[0]


@transaction.atomic
def remove_student(cohort: Cohort, user) -> None:
    CohortMembership.objects.filter(cohort=cohort, user=user).delete()


# Previews are kept in the cache (Redis in services mode) between the upload and the confirmation.
PREVIEW_TTL = 3600


def store_preview(token: str, cohort: Cohort, user, rows: list[Row]) -> None:
    cache.set(f"cohort-import:{token}", {
        "cohort": cohort.pk, "user": user.pk,
        "rows": [(r.line, r.email, r.first_name, r.last_name) for r in rows],
    }, PREVIEW_TTL)


def load_preview(token: str, cohort: Cohort, user) -> list[Row] | None:
    data = cache.get(f"cohort-import:{token}")
    if not data or data["cohort"] != cohort.pk or data["user"] != user.pk:
        return None
    return [Row(*values) for values in data["rows"]]


def drop_preview(token: str) -> None:
    cache.delete(f"cohort-import:{token}")


# --- cohorts -------------------------------------------------------------------------------------------
def create_cohort(*, programme, graduation_year: int, label: str = "") -> Cohort:
    """A cohort of a programme graduating in `graduation_year` (the form has checked uniqueness)."""
    return Cohort.objects.create(programme=programme, graduation_year=graduation_year, label=label)


# --- employers -----------------------------------------------------------------------------------------
class EmployerJoinRefused(ValidationError):
    """A sign-up names a company that already has an account the person cannot prove to belong to."""


def _domain(value: str) -> str:
    value = (value or "").lower().strip()
    value = value.split("@")[-1] if "@" in value else value.split("//")[-1]
    value = value.split("/")[0].split(":")[0]
    return value[4:] if value.startswith("www.") else value


@transaction.atomic
def join_employer(user, company_name: str) -> Employer:
    """Attach a new employer account to its company, created when new.

    An existing company is joined only with an e-mail address on the company's web domain: anyone
    typing a company's name must not see its candidates and offers."""
    name = " ".join((company_name or "").split())
    employer = Employer.objects.filter(name__iexact=name).first()
    if employer is None:
        base = slugify(name)[:70] or "employer"
        slug, n = base, 1
        while Employer.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        employer = Employer.objects.create(name=name, slug=slug)
    elif not employer.website or _domain(user.email) != _domain(employer.website):
        raise EmployerJoinRefused(
            _("%(name)s already has an account on Flow Stage Academy. Sign up with an e-mail address of its "
              "domain, or ask its administrator to invite you.") % {"name": employer.name},
            code="employer_exists",
        )
    employer.members.add(user)
    return employer


# --- Service requests -----------------------------------------------------------------------------------------------

class ServiceRefused(ServiceError):
    """A refused service request, with the HTTP status a view answers."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


@transaction.atomic
def request_service(school, code: str, *, by, wished_on: datetime.date | None = None, note: str = "",
                    today: datetime.date | None = None):
    """School staff ask Flow Stage for a service their tier grants (a workshop, a talk…)."""
    from . import access, entitlements
    from .models import ServiceRequest

    today = today or timezone.localdate()
    if not access.can_manage(by, school):
        raise ServiceRefused(_("You are not staff of this school."), 403)
    if code not in entitlements.SERVICES:
        raise ServiceRefused(_("This is not a service Flow Stage delivers on request."), 422)
    if not entitlements.school_has(school, code):
        raise ServiceRefused(_("Your partnership tier does not include this service: see the tiers on your school page."), 403)
    if wished_on is not None and not today <= wished_on <= today + datetime.timedelta(days=730):
        raise ServiceRefused(_("The wished date must be between today and two years from now."), 422)
    open_ = ServiceRequest.objects.filter(school=school, entitlement=code,
                                          status__in=[ServiceRequest.Status.REQUESTED, ServiceRequest.Status.SCHEDULED])
    if open_.count() >= 10:
        raise ServiceRefused(_("Ten requests for this service are already open: wait for Flow Stage to answer them."), 429)
    return ServiceRequest.objects.create(school=school, entitlement=code, wished_on=wished_on,
                                         note=(note or "")[:2000], requested_by=by)


@transaction.atomic
def handle_service(service_request, action: str, *, by, on: datetime.date | None = None):
    """Flow Stage staff schedule (on a date), mark delivered (on a date) or cancel a request."""
    from . import access
    from .models import ServiceRequest

    S_ = ServiceRequest.Status
    if not access.is_flowstage_staff(by):
        raise ServiceRefused(_("Flow Stage staff only."), 403)
    r = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    allowed = {"schedule": {S_.REQUESTED, S_.SCHEDULED}, "deliver": {S_.REQUESTED, S_.SCHEDULED},
               "cancel": {S_.REQUESTED, S_.SCHEDULED}}
    if action not in allowed:
        raise ServiceRefused(_("Unknown action."), 422)
    if r.status not in allowed[action]:
        raise ServiceRefused(_("This request is already closed."), 409)
    if action in ("schedule", "deliver") and on is None:
        raise ServiceRefused(_("Give the date."), 422)
    if action == "schedule":
        r.status, r.scheduled_on = S_.SCHEDULED, on
    elif action == "deliver":
        if on > timezone.localdate():
            raise ServiceRefused(_("A service cannot be delivered in the future."), 422)
        r.status, r.delivered_on = S_.DELIVERED, on
    else:
        r.status = S_.CANCELLED
    r.handled_by = by
    r._change_reason = action
    r.save()
    return r
