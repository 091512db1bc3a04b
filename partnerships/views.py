"""School-staff pages: cohorts (list, detail, enrol, CSV import) and the school page."""
import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.accounts import roles

from . import access, lifecycle, services
from .csv_import import ImportRefused, parse
from .forms import CohortForm, CsvUploadForm, EnrolForm, InvitationSignupForm, TransitionForm
from .models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    Entitlement,
    Partnership,
    PartnershipTransition,
    School,
    SchoolMember,
)

# Actions of the apps above (assigning courses / certifications to a cohort): shown when installed.
COHORT_ACTIONS = [
    ("courses:cohort_enrolment", gettext_lazy("Assign courses")),
    ("exams:cohort_assignment", gettext_lazy("Assign certifications")),
]


def _cohort_for(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme__school"), pk=pk)
    access.require_manage(request.user, cohort.programme.school_id)
    return cohort


@login_required
def cohorts(request):
    access.require_school_area(request.user)
    ids = access.managed_school_ids(request.user)
    qs = Cohort.objects.select_related("programme__school").annotate(n_students=Count("memberships"))
    if ids is not None:
        qs = qs.filter(programme__school_id__in=ids)
    form = CohortForm(request.POST or None, school_ids=ids)
    if request.method == "POST":
        if form.is_valid():
            access.require_manage(request.user, form.cleaned_data["programme"].school_id)
            cohort = services.create_cohort(**form.cleaned_data)
            messages.success(request, _("Cohort created."))
            return redirect("partnerships:cohort_detail", pk=cohort.pk)
    cohorts = list(qs.order_by("programme__school__name", "-graduation_year", "programme__name"))
    return render(request, "partnerships/cohorts.html", {"cohorts": cohorts, "form": form})


@login_required
def cohort_detail(request, pk):
    cohort = _cohort_for(request, pk)
    members = (CohortMembership.objects.filter(cohort=cohort).select_related("user")
               .order_by("user__last_name", "user__first_name", "user__email"))
    actions = []
    for name, label in COHORT_ACTIONS:
        try:
            actions.append({"url": reverse(name, kwargs={"cohort_id": cohort.pk}), "label": label})
        except NoReverseMatch:
            continue  # TODO(integration): courses/exams cohort-assignment pages
    invitations = (CohortInvitation.objects.filter(cohort=cohort, status=CohortInvitation.Status.PENDING,
                                                   expires_at__gt=timezone.now()).order_by("email"))
    return render(request, "partnerships/cohort_detail.html", {
        "cohort": cohort, "members": members, "actions": actions, "school": cohort.programme.school,
        "invitations": invitations,
    })


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_id):
    cohort = _cohort_for(request, pk)
    invitation = get_object_or_404(CohortInvitation, pk=invitation_id, cohort=cohort)
    try:
        services.revoke_invitation(invitation, by=request.user)
    except services.InvitationInvalid:
        messages.info(request, _("This invitation was already answered or has expired."))
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("partnerships:cohort_detail", pk=cohort.pk)


def invitation(request, token):
    """The invitee's page: accept or decline. An invitee with an account signs in as that address; one
    without creates their student account here. The link is the only key: one message for every bad link."""
    try:
        inv = services.find_invitation(token)
    except services.InvitationInvalid as exc:
        return render(request, "partnerships/invitation.html", {"invalid": str(exc)}, status=410)
    User = get_user_model()
    account = User.objects.filter(email__iexact=inv.email).first()
    signed_in_as_invitee = request.user.is_authenticated and request.user.email.lower() == inv.email.lower()
    form = None
    if account is None:
        form = InvitationSignupForm(request.POST if request.POST.get("action") == "accept" else None,
                                    initial={"first_name": inv.first_name, "last_name": inv.last_name},
                                    email=inv.email)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                services.decline_invitation(inv)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
            if action == "accept" and account is None and form.is_valid():
                user, _membership = services.accept_invitation_as_new_user(
                    inv, password=form.cleaned_data["password1"], first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    preferred_language=(translation.get_language() or "fr")[:2])
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! You have joined %(cohort)s.") % {"cohort": inv.cohort})
                return redirect("dashboard")
            if action == "accept" and account is not None and signed_in_as_invitee:
                services.accept_invitation(inv, request.user)
                messages.success(request, _("You have joined %(cohort)s.") % {"cohort": inv.cohort})
                return redirect("dashboard")
        except services.InvitationInvalid as exc:
            return render(request, "partnerships/invitation.html", {"invalid": str(exc)}, status=410)
        except (services.ServiceError, ValidationError) as exc:  # e.g. the address got an account meanwhile
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(request, "partnerships/invitation.html", {
        "invitation": inv, "cohort": inv.cohort, "school": inv.cohort.programme.school, "form": form,
        "has_account": account is not None, "signed_in_as_invitee": signed_in_as_invitee,
        "role_change": account is not None and not account.groups.filter(name=roles.STUDENT).exists(),
    })


@login_required
def cohort_enrol(request, pk):
    cohort = _cohort_for(request, pk)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.enrol_student(cohort, form.cleaned_data["email"], form.cleaned_data["first_name"],
                                        form.cleaned_data["last_name"], by=request.user)
        messages.success(request, _enrol_message(result))
        return redirect("partnerships:cohort_detail", pk=cohort.pk)
    return render(request, "partnerships/cohort_enrol.html", {"cohort": cohort, "form": form})


def _enrol_message(result) -> str:
    """What the school learns: how many of its students joined, how many invitations left; nothing about
    the accounts behind the invitations."""
    return _("%(enrolled)s student(s) of your school enrolled, %(invited)s invitation(s) sent, "
             "%(already)s already in the cohort. An invited person joins the cohort when they accept.") % result


@login_required
def cohort_import(request, pk):
    """Upload -> preview with a per-row report. Nothing is written until the confirmation."""
    cohort = _cohort_for(request, pk)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    context = {"cohort": cohort, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            rows, encoding = parse(form.cleaned_data["file"].read())
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            services.match_rows(cohort, rows)
            errors = [r for r in rows if r.errors]
            context.update({"rows": rows, "encoding": encoding, "errors": errors, "ready": len(rows) - len(errors)})
            if not errors:
                token = secrets.token_urlsafe(16)
                services.store_preview(token, cohort, request.user, rows)
                context["token"] = token
            return render(request, "partnerships/cohort_import_preview.html", context, status=200)
    return render(request, "partnerships/cohort_import.html", context)


@login_required
@require_POST
def cohort_import_confirm(request, pk):
    cohort = _cohort_for(request, pk)
    token = request.POST.get("token", "")
    rows = services.load_preview(token, cohort, request.user)
    if rows is None:
        messages.error(request, _("This preview has expired; please upload the file again."))
        return redirect("partnerships:cohort_import", pk=cohort.pk)
    try:
        result = services.enrol_rows(cohort, rows, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("partnerships:cohort_import", pk=cohort.pk)
    services.drop_preview(token)
    messages.success(request, _enrol_message(result))
    return redirect("partnerships:cohort_detail", pk=cohort.pk)


def _tier_history(partnerships):
    """Timeline, newest first: tier upgrades/downgrades (from the partnerships' simple_history) and
    lifecycle steps (PartnershipTransition)."""
    events = []
    for p in partnerships:
        records = list(p.history.select_related("tier", "history_user").order_by("history_date", "history_id"))
        previous = None
        for rec in records:
            if previous is None or rec.tier_id != previous.tier_id:
                events.append({
                    "date": rec.history_date.date(), "tier": rec.tier, "status": rec.get_status_display(),
                    "fee": rec.annual_fee, "reason": rec.history_change_reason or "", "user": rec.history_user,
                    "kind": "created" if previous is None else (
                        "upgrade" if rec.tier.rank > previous.tier.rank else "downgrade"),
                })
            previous = rec
        for t in p.transitions.all():
            events.append({
                "date": t.on, "tier": p.tier, "status": f"{t.get_from_status_display()} → {t.get_to_status_display()}",
                "fee": None, "reason": t.note, "user": t.by, "kind": "status",
            })
    events.sort(key=lambda e: (e["date"], e["kind"] != "created"), reverse=True)
    return events


@login_required
def school_detail(request, slug):
    school = get_object_or_404(School, slug=slug)
    access.require_manage(request.user, school)
    partnerships = list(
        Partnership.objects.filter(school=school).select_related("tier")
        .prefetch_related("invoices", Prefetch("transitions", queryset=PartnershipTransition.objects.select_related("by")),
                          "tier__entitlements")
        .order_by("-start_date")
    )
    live = next((p for p in partnerships if p.status in Partnership.LIVE_STATUSES), None)
    n_students = CohortMembership.objects.filter(cohort__programme__school=school).values("user").distinct().count()
    staff = SchoolMember.objects.filter(school=school).select_related("user").order_by("role", "user__last_name")
    can_edit = access.is_flowstage_staff(request.user)
    transitions = {}
    if can_edit:
        for p in partnerships:
            transitions[p.pk] = [(t, Partnership.Status(t).label) for t in sorted(lifecycle.ALLOWED[p.status])]
    return render(request, "partnerships/school_detail.html", {
        "school": school, "partnerships": [
            {"obj": p, "targets": transitions.get(p.pk, [])} for p in partnerships],
        "live": live, "n_students": n_students, "staff": staff, "contacts": school.contacts.all(),
        "tier_history": _tier_history(partnerships), "can_edit": can_edit,
        "cohorts": Cohort.objects.filter(programme__school=school).select_related("programme")
        .annotate(n=Count("memberships")),
    })


@login_required
@require_POST
def partnership_transition(request, pk):
    if not access.is_flowstage_staff(request.user):
        raise PermissionDenied
    partnership = get_object_or_404(Partnership.objects.select_related("school"), pk=pk)
    form = TransitionForm(request.POST)
    target = form.data.get("target", "")
    try:
        if target == Partnership.Status.ACTIVE:
            services.activate(partnership, by=request.user)
        elif target == Partnership.Status.RENEWED:
            services.renew(partnership, by=request.user)
        else:
            services.transition(partnership, target, by=request.user)
    except lifecycle.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Partnership status: %(s)s.") % {"s": Partnership.Status(target).label})
    return redirect("partnerships:school_detail", slug=partnership.school.slug)


@login_required
def schools(request):
    access.require_school_area(request.user)
    ids = access.managed_school_ids(request.user)
    qs = School.objects.prefetch_related(Prefetch(
        "partnerships", queryset=Partnership.objects.select_related("tier").order_by("-start_date")))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    rows = []
    for s in qs:
        ps = list(s.partnerships.all())
        rows.append({"school": s, "partnership": ps[0] if ps else None})
    return render(request, "partnerships/schools.html", {"rows": rows})


# --- Service requests ----------------------------------------------------------------------------------------------

def _date(value):
    import datetime

    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return False


@login_required
def service_requests(request, slug):
    """A school's services: what each entitlement of its tier does, and the requests of the services Flow Stage
    delivers off the platform (request one; Flow Stage's staff schedule and deliver them)."""
    from . import entitlements
    from .models import ServiceRequest

    school = get_object_or_404(School, slug=slug)
    access.require_manage(request.user, school)
    if request.method == "POST":
        wished = _date(request.POST.get("wished_on", ""))
        try:
            if wished is False:
                raise services.ServiceRefused(_("Give the date as YYYY-MM-DD."), 422)
            services.request_service(school, request.POST.get("entitlement", ""), by=request.user, wished_on=wished,
                                     note=request.POST.get("note", ""))
        except services.ServiceRefused as exc:
            return render(request, "partnerships/refused.html", {"message": str(exc), "school": school},
                          status=exc.status)
        messages.success(request, _("Your request is sent to Flow Stage."))
        return redirect("partnerships:service_requests", slug=school.slug)
    granted = entitlements.school_entitlements(school)
    names = {e.code: e for e in Entitlement.objects.all()}
    lang = translation.get_language() or "fr"
    catalogue = []
    for code, (kind, what) in entitlements.WHAT.items():
        e = names.get(code)
        name = (e.name_en or e.name) if e and lang.startswith("en") else (e.name if e else code)
        catalogue.append({"code": code, "name": name, "kind": kind, "what": what, "granted": code in granted})
    return render(request, "partnerships/service_requests.html", {
        "school": school, "catalogue": catalogue,
        "requestable": [c for c in catalogue if c["kind"] == entitlements.SERVICE and c["granted"]],
        "requests": ServiceRequest.objects.filter(school=school).select_related("requested_by")[:100],
        "labels": {c["code"]: c["name"] for c in catalogue},
    })


@login_required
def service_requests_all(request):
    """Flow Stage's staff: every school's requests, to schedule and mark delivered."""
    from .models import ServiceRequest

    if not access.is_flowstage_staff(request.user):
        raise PermissionDenied(_("Flow Stage staff only."))
    names = dict(Entitlement.objects.values_list("code", "name_en" if (translation.get_language() or "").startswith("en") else "name"))
    return render(request, "partnerships/service_requests_all.html", {
        "requests": ServiceRequest.objects.select_related("school", "requested_by").order_by("status", "-created_at")[:300],
        "labels": names,
    })


@login_required
@require_POST
def service_request_handle(request, pk):
    from .models import ServiceRequest

    if not access.is_flowstage_staff(request.user):
        raise PermissionDenied(_("Flow Stage staff only."))
    r = get_object_or_404(ServiceRequest, pk=pk)
    on = _date(request.POST.get("on", ""))
    try:
        if on is False:
            raise services.ServiceRefused(_("Give the date as YYYY-MM-DD."), 422)
        services.handle_service(r, request.POST.get("action", ""), by=request.user, on=on)
    except services.ServiceRefused as exc:
        return render(request, "partnerships/refused.html", {"message": str(exc)}, status=exc.status)
    messages.success(request, _("The request is updated."))
    return redirect("partnerships:service_requests_all")
