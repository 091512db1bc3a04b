"""Pages of careers: the student's matched offers, offer details with the explanation, applications; the
employer's offers and applicants; the CV database; a school's partner employers. Every change goes through
``careers.services``; a refusal comes back as a message or a form error with its HTTP status (4xx)."""
from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lms.accounts import roles
from lms.templatetags.i18n_messages import localize
from lms.throttle import rate_limit_response, rate_limited
from partnerships import access as school_access
from partnerships.models import Employer, School

from . import agreement_pdf as agreement_pdf_module
from . import followup, forms, matching, reports, selectors, services
from .models import (
    Agreement, Application, CareerProfile, FinalReport, Offer, Party, SchoolPartnerEmployer, TutorLink,
)


def _lang() -> str:
    return (translation.get_language() or "fr")[:2]


def student_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.has_role(request.user, roles.STUDENT):
            raise PermissionDenied(_("This page is for students."))
        return view(request, *args, **kwargs)

    return wrapper


def employer_required(view):
    """An employer's staff member; ``employer`` is their company (``?employer=<slug>`` when they have several)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        employers = list(selectors.employers_of(request.user))
        if not employers:
            if roles.has_role(request.user, roles.EMPLOYER) and request.method == "GET":
                messages.info(request, _("Your account is not attached to a company yet: ask Flow Stage to add you "
                                         "to your company's staff. Meanwhile you can verify badges."))
                return redirect("badges:verify_upload")
            raise PermissionDenied(_("This page is for employers' staff."))
        wanted = request.GET.get("employer")
        request.employer = next((e for e in employers if e.slug == wanted), employers[0])
        request.employers = employers
        return view(request, *args, **kwargs)

    return wrapper


def _card(offer: Offer, score, certified: set, priority=False, excluded=False) -> dict:
    return {"offer": offer, "score": score, "rounded": matching.pct(score), "band": matching.band(score),
            "headline": matching.headline(score, offer.kind), "certified": offer.employer_id in certified,
            "priority": priority, "excluded": excluded,
            "genres": [label for code, label in forms.GENRE_CHOICES if code in (offer.genres or [])]}


# --- the student ----------------------------------------------------------------------------------------------

@student_required
def matches(request):
    """"Opportunités matchées (N disponibles)": the student's ranked matches with the brief's card, and filters."""
    form = forms.FiltersForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.Filters()
    result = selectors.ranking(request.user, filters, request=request)
    page = Paginator(result.rows, 20).get_page(request.GET.get("page"))
    offers = selectors.offers_by_id(r.offer.id for r in page.object_list)
    applied = set(Application.objects.filter(student=request.user, offer_id__in=list(offers))
                  .values_list("offer_id", flat=True))
    cards = [dict(_card(offers[r.offer.id], r.score, result.access.certified, r.priority, r.excluded),
                  applied=r.offer.id in applied) for r in page.object_list if r.offer.id in offers]
    school, membership = selectors.student_school(request.user)
    profile = getattr(request.user, "student_profile", None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "careers/matches.html", {
        "form": form, "cards": cards, "page": page, "result": result, "membership": membership, "school": school,
        "profile": profile, "query": query.urlencode(), "career": CareerProfile.objects.filter(user=request.user).first(),
        "priority_days": selectors.PRIORITY_ACCESS_DAYS,
    })


def _visible_offer(request, pk) -> Offer:
    offer = get_object_or_404(Offer.objects.select_related("employer", "programme"), pk=pk)
    if not selectors.can_see_offer(request.user, offer):
        opens = selectors.embargo_of(request.user, offer)
        if opens is not None:
            raise PermissionDenied(services.CareersError(services.PRIORITY_REFUSAL, 403, date=opens.isoformat(),
                                                         days=selectors.PRIORITY_ACCESS_DAYS).message)
        raise Http404(_("No such offer."))
    return offer


@login_required
def offer_detail(request, pk):
    """An offer with the explanation of the student's score, what would raise it (and the course or certification
    that leads there), what French law says about it and, for an apprenticeship, the rhythm by the school's calendar."""
    offer = _visible_offer(request, pk)
    ctx = {"offer": offer, "legal": selectors.legal_panel(offer, request.user),
           "certification": selectors.certification_reasons(offer.employer)}
    if roles.has_role(request.user, roles.STUDENT):
        explanation = selectors.explain_offer(request.user, offer, _lang())
        links = selectors.learning_links(explanation.improvements)
        school, _m = selectors.student_school(request.user)
        ctx.update({
            "explanation": explanation, "rounded": matching.pct(explanation.score),
            "improvements": [{"item": i, "link": links.get(f"{i.kind}:{i.key}")} for i in explanation.improvements],
            "application": Application.objects.filter(offer=offer, student=request.user).first(),
            "apply_form": forms.ApplyForm(), "contact_form": forms.ContactSchoolForm(),
            "rhythm": selectors.rhythm_panel(offer, school), "school": school,
            "card": _card(offer, explanation.score, {offer.employer_id} if ctx["certification"]["certified"] else set()),
        })
    return render(request, "careers/offer_detail.html", ctx)


@student_required
def apply(request, pk):
    offer = _visible_offer(request, pk)
    form = forms.ApplyForm(request.POST or None, initial={"consent_parts": ["academic", "skills", "portfolio",
                                                                            "experience", "badges"]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                app = services.apply(offer, request.user, message=form.cleaned_data["message"],
                                     consent_parts=form.cleaned_data["consent_parts"])
            except services.CareersError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your application is sent. You will be told of each step."))
                return redirect("careers:application", pk=app.pk)
        else:
            status = 422
    return render(request, "careers/apply.html", {"offer": offer, "form": form}, status=status)


@student_required
@require_POST
def contact_school(request, pk):
    offer = _visible_offer(request, pk)
    form = forms.ContactSchoolForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message to your school."))
        return redirect("careers:offer", pk=offer.pk)
    try:
        services.contact_school(request.user, offer, message=form.cleaned_data["message"])
    except services.CareersError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your school's referent has your question and the offer."))
    return redirect("careers:offer", pk=offer.pk)


@student_required
def applications(request):
    return render(request, "careers/applications.html", {"applications": selectors.applications_of(request.user)})


def _own_application(request, pk) -> Application:
    app = selectors.application_of_student(request.user, pk)
    if app is None:
        raise Http404(_("No such application."))
    return app


@student_required
def application(request, pk):
    app = _own_application(request, pk)
    if request.method == "POST":
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            try:
                services.send_message(app, author=request.user, body=form.cleaned_data["body"])
            except services.CareersError as exc:
                messages.error(request, exc.message)
            return redirect("careers:application", pk=app.pk)
    history = list(app.history.order_by("history_date").values("status", "history_date"))
    steps, last = [], None
    for h in history:
        if h["status"] != last:
            steps.append({"status": Application.Status(h["status"]).label, "code": h["status"],
                          "at": h["history_date"]})
            last = h["status"]
    return render(request, "careers/application_detail.html", {
        "app": app, "offer": app.offer, "steps": steps, "message_form": forms.MessageForm(),
        "agreement": selectors.agreement_of_application(app.pk),
        "thread": app.messages.select_related("author"),
        "consent_labels": [label for code, label in forms.ConsentPart.choices if code in app.consent_parts],
    })


@student_required
@require_POST
def withdraw(request, pk):
    app = _own_application(request, pk)
    try:
        services.withdraw(app, request.user)
    except services.CareersError as exc:
        messages.error(request, exc.message)
        return render(request, "careers/refused.html", {"message": exc.message, "back": app}, status=exc.status)
    messages.info(request, _("Your application is withdrawn."))
    return redirect("careers:application", pk=app.pk)


@student_required
@require_POST
def withdraw_consent(request, pk):
    app = _own_application(request, pk)
    services.withdraw_consent(app, request.user)
    messages.info(request, _("The employer no longer sees your profile on this application."))
    return redirect("careers:application", pk=app.pk)


@student_required
def preferences(request):
    cp, _created = CareerProfile.objects.get_or_create(user=request.user)
    form = forms.CareerProfileForm(request.POST or None, instance=cp)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_career_profile(request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        except services.CareersError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("careers:matches")
    return render(request, "careers/preferences.html", {"form": form}, status=422 if form.errors else 200)


# --- the employer -----------------------------------------------------------------------------------------------

@employer_required
def employer_home(request):
    employer = request.employer
    return render(request, "careers/employer_home.html", {
        "employer": employer, "employers": request.employers, "offers": selectors.employer_offers(employer),
        "certification": selectors.certification_reasons(employer),
        "priority": selectors.priority_credit(employer), "cv_access": selectors.cv_database_access(employer),
        "pending_evaluations": selectors.pending_evaluations(employer),
    })


def _offer_data(form, rows) -> services.OfferData:
    d = form.cleaned_data
    values = {name: d.get(name) for name in services.OfferData.FIELDS if name in d}
    values["genres"] = tuple(d.get("genres") or ())
    values["description"] = d.get("description") or ""
    values["tutor_years"] = d.get("tutor_years") or 0
    values["contract_year"] = d.get("contract_year") or 1
    return services.OfferData(**values, requirements=tuple(rows["requirements"]), languages=tuple(rows["languages"]),
                              credentials=tuple(rows["credentials"]))


@employer_required
def offer_form(request, pk=None):
    employer = request.employer
    offer = None
    if pk is not None:
        offer = selectors.offer_for_employer(request.user, pk)
        if offer is None:
            raise Http404(_("No such offer among your company's offers."))
        employer = offer.employer
    data = request.POST if request.method == "POST" else None
    form = forms.OfferForm(data, instance=offer)
    formsets = forms.offer_formsets(data, offer)
    status = 200
    if request.method == "POST":
        if form.is_valid() and all(fs.is_valid() for _p, _t, fs in formsets):
            try:
                saved = services.save_offer(employer, _offer_data(form, forms.rows_of(formsets)), by=request.user,
                                            offer=offer)
            except services.OfferRefused as exc:
                for problem in exc.problems:
                    form.add_error(None, localize(problem))
                status = exc.status
            except services.CareersError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Offer saved."))
                if "publish" in request.POST:
                    return _publish(request, saved)
                return redirect("careers:employer_offer", pk=saved.pk)
        else:
            status = 422
    return render(request, "careers/offer_form.html", {"form": form, "formsets": formsets, "offer": offer,
                                                       "employer": employer}, status=status)


def _publish(request, offer):
    try:
        services.publish_offer(offer, by=request.user)
    except services.OfferRefused as exc:
        for problem in exc.problems:
            messages.error(request, localize(problem))
    except services.CareersError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The offer is published."))
    return redirect("careers:employer_offer", pk=offer.pk)


def _employer_offer(request, pk) -> Offer:
    offer = selectors.offer_for_employer(request.user, pk)
    if offer is None:
        raise Http404(_("No such offer among your company's offers."))
    return offer


@employer_required
def employer_offer(request, pk):
    offer = _employer_offer(request, pk)
    return render(request, "careers/employer_offer.html", {
        "offer": offer, "legal": selectors.legal_panel(offer), "priority": selectors.priority_credit(offer.employer),
        "placements": offer.priority_placements.all(),
    })


@employer_required
@require_POST
def offer_action(request, pk, action):
    offer = _employer_offer(request, pk)
    if action == "publish":
        return _publish(request, offer)
    try:
        if action == "close":
            services.close_offer(offer, by=request.user, reason=request.POST.get("reason", ""))
            messages.info(request, _("The offer is closed."))
        elif action == "delete":
            services.delete_offer(offer, by=request.user)
            messages.info(request, _("The draft is deleted."))
            return redirect("careers:employer_home")
        elif action == "boost":
            placement = services.boost_offer(offer, by=request.user)
            messages.success(request, _("Priority offer until %(date)s.") % {"date": localize(placement.ends_on)})
        else:
            raise Http404
    except services.CareersError as exc:
        messages.error(request, exc.message)
    return redirect("careers:employer_offer", pk=offer.pk)


@employer_required
def applicants(request, pk):
    """The applications to one of the employer's offers: score and explanation, consented profile parts, badges
    checked by the verifier, and the decisions. Another employer's offer is a 404."""
    offer = _employer_offer(request, pk)
    rows = selectors.applicants(offer, _lang())
    for row in rows:
        parts = row.shared.get("parts", set())
        row.components = [{"c": c, "shared": selectors.COMPONENT_PARTS.get(c.key) in parts}
                          for c in (row.explanation.components if row.explanation else ())]
    return render(request, "careers/applicants.html", {
        "offer": offer, "rows": rows, "decide_form": forms.DecideForm(),
        "accepted": sum(1 for r in rows if r.application.status == Application.Status.ACCEPTED),
    })


def _employer_application(request, pk) -> Application:
    app = selectors.application_for_employer(request.user, pk)
    if app is None:
        raise Http404(_("No such application."))
    return app


@employer_required
@require_POST
def decide(request, pk):
    app = _employer_application(request, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("careers:employer_applicants", pk=app.offer_id)
    try:
        services.decide(app, by=request.user, **form.cleaned_data)
    except services.CareersError as exc:
        messages.error(request, exc.message)
        return render(request, "careers/refused.html", {"message": exc.message, "offer": app.offer},
                      status=exc.status)
    messages.success(request, _("%(name)s: %(status)s.") % {
        "name": app.student.get_display_name(),
        "status": Application.objects.get(pk=app.pk).get_status_display().lower()})
    return redirect("careers:employer_applicants", pk=app.offer_id)


@employer_required
def employer_application(request, pk):
    app = _employer_application(request, pk)
    if request.method == "POST":
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            services.send_message(app, author=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Message sent."))
        return redirect("careers:employer_application", pk=app.pk)
    return render(request, "careers/employer_application.html", {
        "app": app, "offer": app.offer, "thread": app.messages.select_related("author"),
        "agreement": selectors.agreement_of_application(app.pk),
        "message_form": forms.MessageForm(),
    })


@employer_required
def cv_database(request):
    employer = request.employer
    if not selectors.cv_database_access(employer):
        return render(request, "careers/cv_locked.html", {"employer": employer}, status=403)
    field_code = request.GET.get("field", "")
    skill = request.GET.get("skill", "")[:80]
    rows = selectors.cv_database(field_code=field_code, skill=skill)
    return render(request, "careers/cv_database.html", {"employer": employer, "rows": rows, "field": field_code,
                                                        "skill": skill, "fields": forms.FiltersForm.base_fields["field"].choices})


# --- schools ----------------------------------------------------------------------------------------------------

@login_required
def school_partners(request, slug):
    """A school's staff mark the employers they work with as partners (the certified-partner mark)."""
    school = get_object_or_404(School, slug=slug)
    if not school_access.can_manage(request.user, school):
        raise PermissionDenied(_("You are not staff of this school."))
    if request.method == "POST":
        employer = get_object_or_404(Employer, pk=request.POST.get("employer"))
        try:
            if request.POST.get("action") == "unmark":
                services.unmark_partner_employer(school, employer, by=request.user)
                messages.info(request, _("%(name)s is no longer marked as a partner.") % {"name": employer.name})
            else:
                services.mark_partner_employer(school, employer, by=request.user)
                messages.success(request, _("%(name)s is marked as a partner.") % {"name": employer.name})
        except services.CareersError as exc:
            messages.error(request, exc.message)
        return redirect("careers:school_partners", slug=school.slug)
    marked = {p.employer_id: p for p in SchoolPartnerEmployer.objects.filter(school=school)
              if p.until is None or p.until >= selectors.today()}
    return render(request, "careers/school_partners.html", {
        "school": school, "employers": Employer.objects.order_by("name"), "marked": marked,
    })


# --- agreements ("convention de stage") ---------------------------------------------------------------------------

def _agreement(request, pk) -> Agreement:
    agreement = selectors.agreement_for(request.user, pk)
    if agreement is None:
        raise Http404(_("No such agreement."))
    return agreement


def _refused(request, exc, agreement=None):
    return render(request, "careers/refused.html", {"message": exc.message, "agreement": agreement},
                  status=exc.status)


@login_required
def agreements(request):
    return render(request, "careers/agreements.html", {"agreements": selectors.agreements_for(request.user)})


@login_required
@require_POST
def agreement_new(request, application_pk):
    """The host organisation's staff or the student's school open the agreement of an accepted application."""
    app = get_object_or_404(Application, pk=application_pk)
    try:
        agreement = services.create_agreement(app, by=request.user)
    except services.CareersError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        return _refused(request, exc)
    messages.success(request, _("The agreement is open: complete its terms, then the parties sign in turn."))
    return redirect("careers:agreement_edit", pk=agreement.pk)


@login_required
def agreement(request, pk):
    agreement = _agreement(request, pk)
    signed = selectors.live_signatures(agreement)
    return render(request, "careers/agreement.html", {
        "agreement": agreement, "app": agreement.application, "offer": agreement.application.offer,
        "signed_rows": [(p, signed.get(p.value)) for p in Party], "next": selectors.next_party(signed),
        "may_sign": sorted(services.signatory_parties(request.user, agreement) - set(signed),
                           key=lambda p: [x.value for x in Party].index(p)),
        "may_edit": services.may_edit_agreement(request.user, agreement),
        "may_cancel": agreement.status != Agreement.Status.CANCELLED and bool(
            {"referent", "school"} & reports.report_roles(request.user, agreement)),
        "document_hash": services.agreement_hash(agreement), "pay": selectors.agreement_pay_panel(agreement),
        "problems": [localize(p) for p in services.agreement_problems(agreement)],
        "voided": agreement.signatures.filter(voided_at__isnull=False).order_by("-voided_at")[:6],
        "weekdays": [label for d, label in forms.WEEKDAY_CHOICES if d in agreement.presence_days],
        "verify_url": request.build_absolute_uri(reverse("careers:agreement_check_hash",
                                                         args=[services.agreement_hash(agreement)])),
        "followup_role": selectors.followup_role(request.user, agreement),
        "supervised": followup.supervised(agreement),
        "may_evaluate": agreement.status == Agreement.Status.SIGNED and selectors.is_employer_member(
            request.user, agreement.application.offer.employer_id),
    })


@login_required
def agreement_edit(request, pk):
    agreement = _agreement(request, pk)
    if not services.may_edit_agreement(request.user, agreement):
        raise PermissionDenied(_("Only the school and the host organisation change the agreement."))
    referents = selectors.school_staff(agreement.school)
    form = forms.AgreementForm(request.POST or None, instance=agreement, referents=referents)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            values = {name: d.get(name, getattr(agreement, name)) for name in services.AgreementTerms.FIELDS}
            for name in ("activities", "pay_terms", "tutor_name", "tutor_role", "tutor_email", "absence_terms",
                         "insurer", "insurance_policy", "rhythm", "track"):
                values[name] = values[name] or ""
            values["leave_days"] = values["leave_days"] or 0
            values["contract_year"] = values["contract_year"] or 1
            values["ects_credits"] = d.get("ects_credits")
            referent = next((u for u in referents if u.pk == d.get("referent")), None)
            had = agreement.signatures.filter(voided_at__isnull=True).exists()
            try:
                saved = services.update_agreement(agreement, services.AgreementTerms(**values), by=request.user,
                                                  referent=referent)
            except services.OfferRefused as exc:
                for problem in exc.problems:
                    form.add_error(None, localize(problem))
                status = exc.status
            except services.CareersError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                if had and not saved.signatures.filter(voided_at__isnull=True).exists():
                    messages.warning(request, _("The agreement changed: the signatures given so far are void and "
                                                "the parties are asked to sign again."))
                else:
                    messages.success(request, _("Agreement saved."))
                return redirect("careers:agreement", pk=agreement.pk)
        else:
            status = 422
    return render(request, "careers/agreement_form.html", {"agreement": agreement, "form": form,
                                                           "offer": agreement.application.offer}, status=status)


@login_required
@require_POST
def agreement_sign(request, pk):
    agreement = _agreement(request, pk)
    try:
        services.sign_agreement(agreement, by=request.user, party=request.POST.get("party", ""),
                                document_hash=request.POST.get("document_hash") or None)
    except services.CareersError as exc:  # the law's refusals (AgreementRefused) included, each rule in full
        return _refused(request, exc, agreement)
    messages.success(request, _("Signed. The SHA-256 of the document you signed is recorded with your signature."))
    return redirect("careers:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_tutor_link(request, pk):
    agreement = _agreement(request, pk)
    try:
        link = services.send_tutor_link(agreement, by=request.user)
    except services.CareersError as exc:
        return _refused(request, exc, agreement)
    messages.success(request, _("A link to sign was sent to %(email)s.") % {"email": link.sent_to})
    return redirect("careers:agreement", pk=agreement.pk)


@login_required
@require_GET
def agreement_pdf(request, pk):
    """The agreement as a PDF in French, in English with ``?lang=en``."""
    agreement = _agreement(request, pk)
    lang = request.GET.get("lang") or "fr"
    if lang not in dict(settings.LANGUAGES):
        lang = settings.LANGUAGE_CODE
    document_hash = services.agreement_hash(agreement)
    with translation.override(lang):
        url = request.build_absolute_uri(reverse("careers:agreement_check_hash", args=[document_hash]))
    pdf = agreement_pdf_module.render(agreement, selectors.live_signatures(agreement), lang=lang, verify_url=url,
                                      document_hash=document_hash)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}-{lang}.pdf"'
    return response


@never_cache
@require_GET
def agreement_check(request, document_hash=None):
    """Public: does a document (by the SHA-256 printed on it) match an agreement signed on the platform?"""
    document_hash = (document_hash or request.GET.get("hash") or "").strip().lower()[:80]
    if not document_hash:
        return render(request, "careers/agreement_check.html", {})
    wait = rate_limited(request, "careers-agreement-check", settings.BADGES_VERIFY_PAGE_RATE)
    if wait:
        return rate_limit_response(request, wait)
    result = selectors.agreement_check(document_hash)
    return render(request, "careers/agreement_check.html", {"result": result},
                  status=200 if result["verdict"] == "signed" else 404)


@never_cache
def tutor_link(request, token):
    """A tutor without an account reads the agreement and signs it for the host organisation (once)."""
    try:
        access = services.open_tutor_link(token)
    except services.CareersError as exc:
        return render(request, "careers/tutor_link.html", {"error": exc.message}, status=exc.status)
    agreement = access.agreement
    form = forms.TutorSignForm(request.POST or None, initial={"name": agreement.tutor_name})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sig = services.sign_by_tutor_link(token, name=form.cleaned_data["name"])
            except services.CareersError as exc:
                return render(request, "careers/tutor_link.html", {"error": exc.message}, status=exc.status)
            return render(request, "careers/tutor_link.html", {"signed": sig, "agreement": agreement})
        status = 422
    return render(request, "careers/tutor_link.html", {
        "agreement": agreement, "app": agreement.application, "offer": agreement.application.offer, "form": form,
        "document_hash": access.link.document_hash,
        "weekdays": [label for d, label in forms.WEEKDAY_CHOICES if d in agreement.presence_days],
    }, status=status)


# --- Final report and credits ---------------------------------------------------------------------------------------

def _evaluations_from(post, n: int) -> list[dict]:
    """The tutor's form: ``met-<i>`` yes/no and ``comment-<i>`` for each objective (0-based)."""
    answers = {"yes": True, "no": False}
    return [{"met": answers.get(post.get(f"met-{i}", "")), "comment": post.get(f"comment-{i}", "")}
            for i in range(n)]


@login_required
@require_GET
def report(request, pk):
    """The internship's final report: the tutor's evaluation, the student's report, the referent's grade, the
    co-signatures; earlier versions below."""
    agreement = _agreement(request, pk)
    page = reports.report_page(request.user, agreement)
    from . import outcome_services
    from .models import SatisfactionAnswer

    nps_ask = ("student" in page.roles and outcome_services.internship_over(agreement)
               and not SatisfactionAnswer.objects.filter(student=request.user, agreement=agreement).exists())
    return render(request, "careers/report.html", {
        "nps_ask": nps_ask, "scores": range(11),
        "page": page, "agreement": agreement, "app": agreement.application, "offer": agreement.application.offer,
        "report": page.report, "roles": page.roles, "evaluate_form": page.evaluate_form,
        "sign_roles": page.sign_roles,
        "evaluate_action": reverse("careers:report_action", args=[agreement.pk, "evaluate"])})


REPORT_ACTIONS = ("evaluate", "upload", "grade", "sign", "correct", "send-link")


@login_required
@require_POST
def report_action(request, pk, action):
    agreement = _agreement(request, pk)
    if action not in REPORT_ACTIONS:
        raise Http404(_("Unknown action."))
    try:
        if action == "evaluate":
            n = len(agreement.objectives or [])
            reports.evaluate(agreement, by=request.user, evaluations=_evaluations_from(request.POST, n),
                             overall=request.POST.get("overall", ""))
            done = _("Your evaluation is saved.")
        elif action == "upload":
            reports.submit_student_report(agreement, by=request.user, file=request.FILES.get("file"))
            done = _("Your report is uploaded.")
        elif action == "grade":
            reports.grade_report(agreement, by=request.user, grade=request.POST.get("grade", ""))
            done = _("The grade is saved.")
        elif action == "sign":
            reports.sign_report(agreement, by=request.user, role=request.POST.get("role", ""),
                                content_hash=request.POST.get("content_hash") or None)
            done = _("Signed. The SHA-256 of the report you signed is recorded with your signature.")
        elif action == "correct":
            reports.correct_report(agreement, by=request.user, reason=request.POST.get("reason", ""))
            done = _("A new version of the report is open; the co-signed one is kept below.")
        else:
            link = reports.send_report_link(agreement, by=request.user)
            done = _("A link to evaluate and sign the report was sent to %(email)s.") % {"email": link.sent_to}
    except services.CareersError as exc:
        return _refused(request, exc, agreement)
    messages.success(request, done)
    return redirect("careers:report", pk=agreement.pk)


@login_required
@require_GET
def report_file(request, pk):
    """The student's report, for the parties (the version given by ``?v=``, else the current one)."""
    agreement = _agreement(request, pk)
    qs = agreement.reports.exclude(student_report="")
    version = request.GET.get("v", "")
    found = qs.filter(version=int(version)).first() if version.isdigit() and len(version) < 6 else \
        qs.exclude(status=FinalReport.Status.SUPERSEDED).first()
    if found is None:
        raise Http404(_("No report uploaded."))
    return FileResponse(found.student_report.open("rb"), as_attachment=True, filename=found.student_report_name)


@login_required
@require_POST
def agreement_cancel(request, pk):
    agreement = _agreement(request, pk)
    try:
        reports.cancel_agreement(agreement, by=request.user, reason=request.POST.get("reason", ""))
    except services.CareersError as exc:
        return _refused(request, exc, agreement)
    messages.success(request, _("The agreement is cancelled; the parties are told by e-mail."))
    return redirect("careers:agreement", pk=agreement.pk)


@never_cache
def report_tutor_link(request, token):
    """A tutor without an account evaluates the internship and signs the final report through their link."""
    try:
        access = services.open_tutor_link(token, TutorLink.Action.REPORT)
    except services.CareersError as exc:
        return render(request, "careers/report_tutor_link.html", {"error": exc.message}, status=exc.status)
    agreement = access.agreement
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("do") == "sign":
                sig = reports.sign_report_by_link(token, name=request.POST.get("name", ""),
                                                  content_hash=request.POST.get("content_hash") or None)
                return render(request, "careers/report_tutor_link.html", {"signed": sig, "agreement": agreement})
            reports.evaluate_by_link(token, evaluations=_evaluations_from(request.POST, len(agreement.objectives)),
                                     overall=request.POST.get("overall", ""), name=request.POST.get("name", ""))
            messages.success(request, _("Your evaluation is saved."))
            return redirect("careers:report_tutor_link", token=token)
        except services.CareersError as exc:
            messages.error(request, exc.message)
            status = exc.status
    page = reports.report_page(request.user, agreement)
    page.evaluate_form_link = not page.report.locked
    return render(request, "careers/report_tutor_link.html", {
        "page": page, "report": page.report, "agreement": agreement, "app": agreement.application,
        "offer": agreement.application.offer, "token": token}, status=status)


# Follow-up during the internship (careers/followup.py) ---------------------------------------------------------

def _evaluation_input(post) -> "followup.EvaluationInput":
    from . import followup

    count = 0
    while f"obj-{count}-rating" in post or f"obj-{count}-comment" in post:
        count += 1
        if count > 100:
            break
    return followup.EvaluationInput(
        objectives=tuple((post.get(f"obj-{i}-rating", ""), post.get(f"obj-{i}-comment", "")) for i in range(count)),
        behaviour=(post.get("behaviour", ""), post.get("behaviour_comment", "")),
        skills=(post.get("skills", ""), post.get("skills_comment", "")))


def _rating_choices():
    from .models import Rating

    return Rating.choices


def _midterm_context(evaluation, post=None, problems=None, **extra):
    rows = evaluation.rows() if evaluation else []
    if post is not None:  # what the tutor typed, shown again with the problems
        for i, row in enumerate(rows):
            row["rating"], row["comment"] = post.get(f"obj-{i}-rating", ""), post.get(f"obj-{i}-comment", "")
    return {"evaluation": evaluation, "rows": rows, "choices": _rating_choices(), "problems": problems or [],
            "posted": post, **extra}


def _submit_problems(exc) -> list[str]:
    from . import followup

    if isinstance(exc, followup.EvaluationRefused):
        return [localize(p) for p in exc.problems]
    return [exc.message]


@login_required
def midterm(request, pk):
    """The mid-term evaluation of an agreement: the host's staff (the tutor with an account) fill it in once; the
    other parties read it on the follow-up page."""
    from . import followup
    from .models import MidtermEvaluation

    agreement = _agreement(request, pk)
    if not followup.may_evaluate(request.user, agreement):
        return redirect("careers:followup", pk=agreement.pk)
    if not followup.supervised(agreement):
        return render(request, "careers/midterm.html", {
            "error": followup.SUPERVISION_REFUSAL % {"school": agreement.school.name}}, status=403)
    evaluation = MidtermEvaluation.objects.filter(agreement=agreement).first()
    ctx = {"agreement": agreement, "app": agreement.application, "offer": agreement.application.offer,
           "action": reverse("careers:midterm", args=[agreement.pk]), "with_name": False}
    if request.method == "POST":
        try:
            evaluation = followup.submit_by_account(agreement, _evaluation_input(request.POST), by=request.user)
        except services.CareersError as exc:
            return render(request, "careers/midterm.html", {**ctx, **_midterm_context(
                evaluation, request.POST if exc.status == 422 else None, _submit_problems(exc))}, status=exc.status)
        messages.success(request, _("Thank you: the evaluation is submitted. The student and the referent teacher "
                                    "can read it."))
        return redirect("careers:midterm", pk=agreement.pk)
    return render(request, "careers/midterm.html", {**ctx, **_midterm_context(evaluation)})


@never_cache
def midterm_tutor(request, pk, token):
    """The tutor without an account fills in the mid-term evaluation through their e-mailed link (once)."""
    from . import followup

    try:
        access = followup.open_evaluation_link(token, pk)
    except services.CareersError as exc:
        return render(request, "careers/midterm.html", {"error": exc.message}, status=exc.status)
    agreement = access.evaluation.agreement
    ctx = {"agreement": agreement, "app": agreement.application, "offer": agreement.application.offer,
           "action": request.path, "with_name": True, "tutor_link": True}
    if request.method == "POST":
        try:
            evaluation = followup.submit_by_link(token, pk, _evaluation_input(request.POST),
                                                 name=request.POST.get("name", ""))
        except services.CareersError as exc:
            if exc.status != 422:
                return render(request, "careers/midterm.html", {"error": exc.message}, status=exc.status)
            return render(request, "careers/midterm.html", {**ctx, **_midterm_context(
                access.evaluation, request.POST, _submit_problems(exc)), "name": request.POST.get("name", "")},
                status=exc.status)
        return render(request, "careers/midterm.html", {**ctx, **_midterm_context(evaluation), "thanks": True})
    return render(request, "careers/midterm.html", {**ctx, **_midterm_context(access.evaluation),
                                                    "name": agreement.tutor_name})


def _followup_agreement(request, pk) -> tuple[Agreement, str]:
    agreement = _agreement(request, pk)
    role = selectors.followup_role(request.user, agreement)
    if role is None:
        raise PermissionDenied(_("The follow-up page is for the student, the referent teacher and the school."))
    return agreement, role


@login_required
@require_GET
def followup_page(request, pk):
    """The student's follow-up of an internship: objectives met n/N, the evaluations, the contacts made during the
    internship, the job-readiness score and its change since 1 September."""
    from . import followup

    agreement, role = _followup_agreement(request, pk)
    if not followup.supervised(agreement):
        return render(request, "careers/followup.html", {
            "agreement": agreement, "app": agreement.application, "offer": agreement.application.offer, "role": role,
            "not_supervised": followup.SUPERVISION_REFUSAL % {"school": agreement.school.name}}, status=403)
    data = selectors.followup(agreement)
    return render(request, "careers/followup.html", {
        "agreement": agreement, "app": agreement.application, "offer": agreement.application.offer, "role": role,
        "f": data, "may_call": followup.may_request_call(request.user, agreement) and data["evaluation"] is not None,
        "call_form": forms.CallForm(),
    })


@login_required
@require_POST
def midterm_call(request, pk):
    from . import followup

    agreement = _agreement(request, pk)
    form = forms.CallForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else request.POST.get("note", "")
    try:
        followup.request_call(agreement, by=request.user, note=note)
    except services.CareersError as exc:
        return _refused(request, exc, agreement)
    messages.success(request, _("Call requested: the tutor and the student are told by e-mail."))
    return redirect("careers:followup", pk=agreement.pk)


def _contact_data(form) -> "followup.ContactData":
    from . import followup

    d = form.cleaned_data
    return followup.ContactData(name=d["name"], role=d["role"], organisation=d["organisation"], met_on=d["met_on"],
                                how_met=d["how_met"], email=d.get("email") or "",
                                linkedin_url=d.get("linkedin_url") or "", on_profile=bool(d.get("on_profile")))


def _save_contact_form(request, form, contact=None):
    from . import followup

    if not form.is_valid():
        return None, 422
    try:
        saved = followup.save_contact(request.user, _contact_data(form), contact=contact)
    except services.CareersError as exc:
        form.add_error(None, exc.message)
        return None, exc.status
    return saved, 200


@student_required
def contacts(request):
    """The student's log of professional contacts, with the form to add one."""
    form = forms.ContactForm(request.POST or None, initial={"met_on": selectors.today()})
    status = 200
    if request.method == "POST":
        saved, status = _save_contact_form(request, form)
        if saved is not None:
            messages.success(request, _("Contact added."))
            return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/careers/")
                            else "careers:contacts")
    return render(request, "careers/contacts.html", {"form": form, "contacts": selectors.contacts_of(request.user)},
                  status=status)


def _own_contact(request, pk):
    from .models import ProfessionalContact

    return get_object_or_404(ProfessionalContact, pk=pk, student=request.user)


@student_required
def contact_edit(request, pk):
    contact = _own_contact(request, pk)
    form = forms.ContactForm(request.POST or None, instance=contact)
    status = 200
    if request.method == "POST":
        saved, status = _save_contact_form(request, form, contact)
        if saved is not None:
            messages.success(request, _("Contact saved."))
            return redirect("careers:contacts")
    return render(request, "careers/contact_form.html", {"form": form, "contact": contact}, status=status)


@student_required
@require_POST
def contact_delete(request, pk):
    from . import followup

    contact = _own_contact(request, pk)
    followup.delete_contact(request.user, contact.pk)
    messages.success(request, _("Contact deleted."))
    return redirect("careers:contacts")
