"""State changes of partnerships, invoices and cohorts — one transaction each."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms.accounts import roles

from . import lifecycle
from .csv_import import Row
from .models import Cohort, CohortMembership, Employer, Invoice, Partnership, PartnershipTransition, Tier

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
    transaction.on_commit(lambda: _enqueue_renewal_notice(p.pk))
    return True


def _enqueue_renewal_notice(partnership_id):
    from .tasks import notify_renewal_due

    notify_renewal_due.delay(partnership_id)


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

def _student_group():
    return Group.objects.get_or_create(name=roles.STUDENT)[0]


def match_rows(cohort: Cohort, rows: list[Row]) -> list[Row]:
    """Mark each valid row new / existing / member with a bounded number of queries."""
    User = get_user_model()
    emails = [r.email for r in rows if not r.errors]
    existing = {}
    for i in range(0, len(emails), 900):
        chunk = emails[i:i + 900]
        for uid, email in User.objects.annotate(e=Lower("email")).filter(e__in=chunk).values_list("id", "e"):
            existing[email] = uid
    members = set(CohortMembership.objects.filter(cohort=cohort, user_id__in=list(existing.values()))
                  .values_list("user_id", flat=True)) if existing else set()
    for r in rows:
        if r.errors:
            continue
        uid = existing.get(r.email)
        if uid is None:
            r.status = "new"
            if not (r.first_name or r.last_name):
                r.errors.append(_("First name or last name is required for a new student."))
        elif uid in members:
            r.status = "member"
        else:
            r.status = "existing"
    return rows


@transaction.atomic
def enrol_rows(cohort: Cohort, rows: list[Row], *, by=None) -> dict:
    """All or nothing: enrol every row (creating the new users, inactive password + invitation)."""
    rows = match_rows(cohort, [Row(r.line, r.email, r.first_name, r.last_name) for r in rows])
    bad = [r for r in rows if r.errors]
    if bad:
        raise ServiceError(_("%(n)s row(s) have errors; nothing was imported.") % {"n": len(bad)})
    User = get_user_model()
    new_rows = [r for r in rows if r.status == "new"]
    new_users = []
    for r in new_rows:
        u = User(email=r.email, first_name=r.first_name, last_name=r.last_name, is_active=True)
        u.set_unusable_password()
        new_users.append(u)
    User.objects.bulk_create(new_users, batch_size=500)
    emails = [r.email for r in rows]
    ids = {}
    for i in range(0, len(emails), 900):
        ids.update(dict(User.objects.annotate(e=Lower("email")).filter(e__in=emails[i:i + 900]).values_list("e", "id")))
    group = _student_group()
    Through = User.groups.through
    Through.objects.bulk_create([Through(user_id=uid, group_id=group.pk) for uid in ids.values()],
                                ignore_conflicts=True, batch_size=1000)
    to_add = [r for r in rows if r.status != "member"]
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, user_id=ids[r.email]) for r in to_add], ignore_conflicts=True, batch_size=1000
    )
    new_ids = [ids[r.email] for r in new_rows]
    if new_ids:
        transaction.on_commit(lambda: _enqueue_invitations(new_ids, cohort.pk))
    return {"created": len(new_rows), "enrolled": len(to_add), "already": len(rows) - len(to_add)}


def _enqueue_invitations(user_ids, cohort_id):
    from .tasks import send_invitations

    send_invitations.delay(user_ids, cohort_id)


def enrol_student(cohort: Cohort, email: str, first_name: str = "", last_name: str = "", *, by=None) -> dict:
    return enrol_rows(cohort, [Row(line=1, email=email.strip().lower(), first_name=first_name, last_name=last_name)], by=by)


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


def invitation_link(user) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils import translation

    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        path = reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
        })
    from lms.links import absolute_url

    return absolute_url(path)  # sent by a task: the configured base (PUBLIC_BASE_URL)


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
