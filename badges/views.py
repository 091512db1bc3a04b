"""Pages of the badges app: the holder's badges and files, public verification, staff work."""
from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from badges import media, negotiation, public_views, selectors, services, wallet
from badges.models import Achievement, BulkIssuance, Credential, SigningKey, Skill, WalletOffer
from badges.resolver import verify
from badges.verification import MAX_UPLOAD_BYTES
from lms import confirm
from lms.templatetags.i18n_messages import localize
from lms.accounts.roles import FLOWSTAGE_STAFF, has_role
from lms.throttle import busy_response, concurrency_slot, rate_limit_response, rate_limited

LD_JSON = "application/ld+json"


def _staff_required(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, FLOWSTAGE_STAFF):
        raise PermissionDenied
    return None


def _own_credential(request, pk) -> Credential:
    cred = get_object_or_404(Credential.objects.select_related("achievement", "user"), pk=pk)
    if cred.user_id != request.user.pk and not has_role(request.user, FLOWSTAGE_STAFF):
        raise Http404
    return cred


def _slug(cred: Credential) -> str:
    return cred.achievement.slug or "badge"


# ------------------------------------------------------------------------------------ holder
@login_required
def mine(request):
    creds = selectors.holder_credentials(request.user)
    now = timezone.now()
    items = [{"cred": c, "status": selectors.credential_status(c, now)} for c in creds]
    return render(request, "badges/mine.html", {"items": items})


class PrivacyForm(forms.Form):
    privacy = forms.ChoiceField(label=gettext_lazy("What the public verification page shows"),
                                choices=Credential.Privacy.choices, widget=forms.RadioSelect)


def linkedin_url(cred: Credential, name: str | None = None, request=None) -> str:
    """LinkedIn's "add a certification" link; ``name``: the achievement's name as the page shows it."""
    validity = cred.validity
    issued = validity.valid_from
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name or cred.achievement.name,
        "organizationName": services.get_issuer().name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": services.short_url(cred.short_id, request),
        "certId": str(cred.pk),
    }
    if validity.valid_until:
        params["expirationYear"] = validity.valid_until.year
        params["expirationMonth"] = validity.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


@login_required
def detail(request, pk):
    cred = _own_credential(request, pk)
    current = services.current_credential(cred)
    if current.pk != cred.pk:  # re-issued after a key compromise: the holder's badge is the new one
        return redirect("badges:detail", pk=current.pk)
    if request.method == "POST":
        form = PrivacyForm(request.POST)
        if form.is_valid():
            services.set_privacy(cred, form.cleaned_data["privacy"])
            messages.success(request, _("Your privacy setting has been saved."))
            return redirect("badges:detail", pk=cred.pk)
    else:
        form = PrivacyForm(initial={"privacy": cred.privacy})
    texts = cred.texts()
    return render(request, "badges/detail.html", {
        **_wallet_context(request, cred),
        "cred": cred,
        "texts": texts,
        "status": selectors.credential_status(cred),
        "form": form,
        "short_url": services.short_url(cred.short_id, request),
        "linkedin_url": linkedin_url(cred, texts["name"], request),
        "document": json.dumps(json.loads(cred.signed_json), ensure_ascii=False, indent=2),
    })


def _holder_credential(request, pk) -> Credential:
    """The credential if the signed-in user is its holder (staff included in nothing here: a wallet offer binds the
    credential to whoever redeems it), else 404."""
    cred = get_object_or_404(Credential.objects.select_related("achievement", "user"), pk=pk)
    if cred.user_id != request.user.pk:
        raise Http404
    return cred


def _open_offer(cred: Credential, offer_id) -> WalletOffer | None:
    """The holder's offer ``offer_id`` of ``cred`` while it is usable (unused, not expired), else None."""
    try:
        offer = wallet.open_offer(uuid.UUID(str(offer_id)))
    except (ValueError, wallet.WalletError):
        return None
    return offer if offer.credential_id == cred.pk else None


def _wallet_context(request, cred: Credential) -> dict:
    """The "Add to a wallet" section of the holder's page: the open offer named by ``?wallet=`` (just made), the
    copies wallets received. Nothing for staff looking at someone else's badge."""
    if cred.user_id != request.user.pk:
        return {"wallet_section": False}
    offer = _open_offer(cred, request.GET.get("wallet", "")) if request.GET.get("wallet") else None
    return {
        "wallet_section": True,
        "wallet_refusal": wallet.refusal(cred),
        "wallet_offer": offer,
        "wallet_link": wallet.offer_link(offer) if offer else "",
        "wallet_lcw_link": wallet.lcw_link(offer) if offer else "",
        "wallet_asked": bool(request.GET.get("wallet")),
        "wallet_minutes": int(wallet.offer_lifetime().total_seconds() // 60),
        "wallet_copies": list(cred.holder_copies.filter(superseded_at__isnull=True)
                              .only("holder_did", "issued_at")[:5]),
        # after a key compromise: the re-signed copies to put in the wallet instead of the ones that no longer verify
        "wallet_replacements": wallet.pending_replacements(cred),
    }


@login_required
@require_POST
def wallet_offer(request, pk):
    """A new offer of the holder's credential to their wallet; the page shows it as a QR code and a link."""
    cred = _holder_credential(request, pk)
    try:
        offer = wallet.create_offer(cred)
    except wallet.WalletError as exc:
        messages.error(request, exc.description)
        return redirect("badges:detail", pk=cred.pk)
    return redirect(reverse("badges:detail", args=[offer.credential_id]) + "?" + urlencode({"wallet": offer.pk})
                    + "#wallet")


@login_required
@require_GET
def wallet_copy_json(request, pk, copy):
    """A copy of the holder's badge made for one of their wallets (re-signed after a key compromise: the page's
    notice offers it), for its holder only, to import into the wallet by hand."""
    cred = _holder_credential(request, pk)
    found = get_object_or_404(cred.holder_copies.filter(superseded_at__isnull=True), pk=copy)
    resp = _download(found.signed_json.encode("utf-8"), LD_JSON, f"{_slug(cred)}-wallet-copy.json")
    resp["Cache-Control"] = "private, no-store"
    return resp


WALLET_LINKS = {"oid4vci": wallet.offer_link, "lcw": wallet.lcw_link}


@login_required
@require_GET
def wallet_qr_svg(request, pk, offer, protocol):
    """The QR code of an open offer for its holder only: OpenID for VCI's ``openid-credential-offer://…`` link or
    the Learner Credential Wallet's link to the VC-API exchange."""
    offer = _open_offer(_holder_credential(request, pk), offer)
    if offer is None or protocol not in WALLET_LINKS:
        raise Http404
    resp = HttpResponse(media.qr_svg(WALLET_LINKS[protocol](offer)), content_type="image/svg+xml")
    resp["Cache-Control"] = "private, no-store"
    return resp


def _download(body, content_type, filename):
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@login_required
@require_GET
def credential_json(request, pk):
    cred = _own_credential(request, pk)
    return _download(cred.signed_json.encode("utf-8"), LD_JSON, f"{_slug(cred)}-credential.json")


@login_required
@require_GET
def baked_png(request, pk):
    cred = _own_credential(request, pk)
    png = media.bake_png(media.badge_png(cred.achievement.name, cred.achievement.colour), cred.signed_json)
    return _download(png, "image/png", f"{_slug(cred)}-badge.png")


@login_required
@require_GET
def baked_svg(request, pk):
    cred = _own_credential(request, pk)
    svg = media.bake_svg(media.badge_svg(cred.achievement.name, cred.achievement.colour), cred.signed_json)
    return _download(svg.encode("utf-8"), "image/svg+xml", f"{_slug(cred)}-badge.svg")


@login_required
@require_GET
def qr_png(request, pk):
    cred = _own_credential(request, pk)
    return HttpResponse(media.qr_png(services.short_url(cred.short_id, request)), content_type="image/png")


@login_required
@require_GET
def qr_svg(request, pk):
    cred = _own_credential(request, pk)
    return HttpResponse(media.qr_svg(services.short_url(cred.short_id, request)), content_type="image/svg+xml")


def _offline_qr(request, pk, render, content_type):
    """The holder's offline QR code (badges/compact.py), signed now with the current key; 503 while no key may sign."""
    cred = _own_credential(request, pk)
    try:
        text = services.compact_qr_text(cred)
    except services.KeyNotReady as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    resp = HttpResponse(render(text), content_type=content_type)
    resp["Cache-Control"] = "private, no-store"
    return resp


@login_required
@require_GET
def offline_qr_png(request, pk):
    return _offline_qr(request, pk, media.qr_png, "image/png")


@login_required
@require_GET
def offline_qr_svg(request, pk):
    return _offline_qr(request, pk, media.qr_svg, "image/svg+xml")


@login_required
@require_GET
def certificate_pdf(request, pk):
    cred = _own_credential(request, pk)
    lang = request.GET.get("lang") or getattr(cred.user, "preferred_language", "") or translation.get_language()
    if lang not in dict(settings.LANGUAGES):
        lang = settings.LANGUAGE_CODE
    validity = cred.validity
    try:
        offline = services.compact_qr_text(cred)
    except services.KeyNotReady:
        offline = ""  # no key may sign now: the certificate keeps its link QR code only
    with translation.override(lang):
        texts = cred.texts(lang)
        labels = {
            "certificate": _("Certificate"),
            "awarded_to": _("This certifies that"),
            "for": _("has passed the course module") if cred.achievement.course_id else _("has earned the certification"),
            "issued_on": _("Issued on"),
            "valid_until": _("Valid until"),
            "verify": _("Verify at"),
            "qr_link": _("Verify online"),
            "qr_offline": _("Verify offline (even without a connection)"),
        }
        pdf = media.certificate_pdf(
            title=texts["name"], holder=cred.user.get_display_name(), achievement=texts["name"],
            description=texts["criteria_narrative"] or texts["description"],
            issuer=services.get_issuer().name,
            issued_on=date_format(timezone.localtime(validity.valid_from), "DATE_FORMAT"),
            valid_until=date_format(timezone.localtime(validity.valid_until), "DATE_FORMAT")
            if validity.valid_until else "",
            verify_url=services.short_url(cred.short_id, request), labels=labels,
            badge_png_bytes=media.badge_png(cred.achievement.name, cred.achievement.colour, size=300),
            offline_qr=offline,
        )
    return _download(pdf, "application/pdf", f"{_slug(cred)}-certificate-{lang}.pdf")


# ------------------------------------------------------------------------------------ public verification
@never_cache
def verify_page(request, pk):
    """The public verification page; the signed credential itself to a client that prefers it (a wallet or a
    verifier sending Accept: application/vc+ld+json, application/vc or application/ld+json)."""
    media_type = negotiation.wants_credential(request.headers.get("Accept"), default_html=True)
    if media_type:
        cred = Credential.objects.filter(pk=pk).only("pk", "signed_json", "privacy").first()
        if cred is None or cred.privacy == Credential.Privacy.HIDDEN:
            return public_views.credential_not_found()
        return public_views.credential_answer(request, cred, media_type)
    return public_views.negotiated(_verify_page_html(request, pk))


def _verify_page_html(request, pk):
    cred = Credential.objects.select_related("achievement", "user").filter(pk=pk).first()
    if cred is None:
        return render(request, "badges/verify_page.html", {"missing": True}, status=404)
    if cred.privacy == Credential.Privacy.HIDDEN:
        return render(request, "badges/verify_page.html", {"hidden": True}, status=404)
    wait = rate_limited(request, "badges-verify-page", settings.BADGES_VERIFY_PAGE_RATE)
    if wait:
        return rate_limit_response(request, wait)
    report = verify(cred.signed_json.encode("utf-8"))
    texts, validity = cred.texts(), cred.validity
    show_holder = cred.privacy == Credential.Privacy.FULL
    current = services.current_credential(cred)
    return render(request, "badges/verify_page.html", {
        "cred": cred, "report": report, "superseded_by": current if current.pk != cred.pk else None, "texts": texts, "show_holder": show_holder,
        "json_url": request.build_absolute_uri(reverse("badges_credential", args=[cred.pk])),
        "plain": _plain(report, holder=cred.user.get_display_name() if show_holder else "", name_withheld=not show_holder,
                        title=texts["name"], description=texts["description"], issuer=report.summary.get("issuer", ""),
                        valid_from=_day(validity.valid_from), valid_until=_day(validity.valid_until),
                        revocation_reason=cred.text("revocation_reason") if cred.revoked_at else ""),
    })


def _day(when) -> str:
    return date_format(timezone.localtime(when), "DATE_FORMAT") if when else ""


def _plain(report, **facts) -> dict:
    """What the verification pages say first, in plain words: who holds the badge, what it certifies, who issued
    it, from when until when (the technical checks come after, folded). Nothing of an INVALID credential is stated
    as a fact: its claims cannot be trusted."""
    return {"trusted": report.verdict != "INVALID", **facts}


def uploaded_holder(summary: dict, verdict: str) -> tuple[str, bool]:
    """(holder's name, withheld) of an uploaded credential: the name is known only when the upload is one of the
    platform's own credentials (its signed ``id`` is ours and its signature checked: any verdict but INVALID),
    and shown only when its holder lets the public page show it (``withheld`` otherwise)."""
    cred_id = summary.get("id") or ""
    tail = cred_id.rsplit("/credentials/", 1)[-1] if "/credentials/" in cred_id else ""
    if verdict == "INVALID" or not 0 < len(tail) <= 36:
        return "", False
    try:
        pk = uuid.UUID(tail)
    except ValueError:
        return "", False
    cred = Credential.objects.select_related("user").filter(pk=pk).first()
    if cred is None or json.loads(cred.signed_json).get("id") != cred_id:
        return "", False
    if cred.privacy != Credential.Privacy.FULL:
        return "", True
    return cred.user.get_display_name(), False


@require_GET
def skill_page(request, slug):
    """A skill achievements align to: what it is, the achievements that certify it, the courses that teach it."""
    skill = get_object_or_404(Skill, slug=slug)
    return render(request, "badges/skill.html", selectors.skill_page(skill, request=request))


UNREADABLE = {  # why no credential could be read from an upload, by media.BakingError.kind
    "too_large": gettext_lazy("the file, or the credential baked into it, is too large"),
    "png": gettext_lazy("the PNG image holds no baked credential, or it is damaged"),
    "svg": gettext_lazy("the SVG image holds no baked credential, or it is damaged or refused for safety"),
    "json": gettext_lazy("the JSON file is not UTF-8 text"),
    "unsupported": gettext_lazy("this kind of file is not supported (upload the credential JSON, a baked PNG or "
                                "a baked SVG)"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Credential file (JSON, baked PNG or baked SVG)"), required=False)
    text = forms.CharField(label=gettext_lazy("…or paste the credential JSON"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}))

    def clean(self):
        data = super().clean()
        f, text = data.get("file"), (data.get("text") or "").strip()
        if not f and not text:
            raise forms.ValidationError(_("Choose a file or paste a credential."))
        if f and f.size > media.MAX_FILE_BYTES:
            self.too_large = True
            raise forms.ValidationError(
                _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                % {"size": f.size, "limit": media.MAX_FILE_BYTES})
        if f:
            raw = f.read(media.MAX_FILE_BYTES + 1)
            try:
                data["credential"] = media.extract_credential(raw)
            except media.BakingError as exc:
                raise forms.ValidationError(_("No credential could be read from this file: %(reason)s")
                                            % {"reason": UNREADABLE[exc.kind]}) from exc
        else:
            if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
                self.too_large = True
                raise forms.ValidationError(_("The pasted text is too large (the limit is %(limit)s bytes).")
                                            % {"limit": MAX_UPLOAD_BYTES})
            data["credential"] = text
        return data


def uploaded_name(summary: dict) -> str:
    """The name of an uploaded credential for the reader: the French one on French pages when it names one of
    the platform's achievements (by its id) with exactly the text that achievement signs; else as uploaded."""
    name = summary.get("name") or ""
    prefix = services.achievement_url("")
    ach_id = summary.get("achievement_id") or ""
    slug = ach_id[len(prefix):]
    if not name or not ach_id.startswith(prefix) or not 0 < len(slug) <= 120 or "/" in slug:
        return name
    ach = Achievement.objects.filter(slug=slug).first()
    return ach.reader_texts({"name": name})["name"] if ach else name


def verify_upload(request):
    report, status, upload_error, name, plain = None, 200, "", "", None
    form = UploadForm()
    if request.method == "POST":
        wait = rate_limited(request, "badges-verify", settings.BADGES_VERIFY_RATE)  # shared with the API
        if wait:
            return rate_limit_response(request, wait, "badges/verify_upload.html", {"form": form})
        length = request.META.get("CONTENT_LENGTH") or "0"
        if (int(length) if length.isdigit() else 0) > media.MAX_FILE_BYTES + 64 * 1024:
            # Refused before Django reads the body into memory or a temporary file.
            upload_error = _("The upload is too large (limit %(limit)s bytes).") % {"limit": media.MAX_FILE_BYTES}
            status = 413
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                with concurrency_slot("badges-verify", settings.BADGES_VERIFY_CONCURRENCY) as taken:
                    if not taken:
                        return busy_response(request, template="badges/verify_upload.html", context={"form": form})
                    report = verify(form.cleaned_data["credential"].encode("utf-8"))
                name = uploaded_name(report.summary)
                holder, withheld = uploaded_holder(report.summary, report.verdict)
                summary = report.summary
                plain = _plain(report, holder=holder, name_withheld=withheld, title=name,
                               description=summary.get("description", "") if summary.get("description") != name else "",
                               issuer=summary.get("issuer", ""), valid_from=localize(summary.get("valid_from", "")),
                               valid_until=localize(summary.get("valid_until", "")))
                form = UploadForm()  # the form below the verdict verifies another file
            else:
                status = 413 if getattr(form, "too_large", False) else 400
    return render(request, "badges/verify_upload.html",
                  {"form": form, "report": report, "upload_error": upload_error, "name": name, "plain": plain},
                  status=status)


# ------------------------------------------------------------------------------------ staff
class AchievementChoiceField(forms.ModelChoiceField):
    """Achievements by their name in the active language (set ``queryset`` to ``selectors.achievement_choices()``
    per request: the order depends on the language)."""

    def label_from_instance(self, obj):
        return obj.text("name")


class IssueForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Recipient e-mail"))
    achievement = AchievementChoiceField(label=gettext_lazy("Achievement"), queryset=Achievement.objects.none())
    narrative = forms.CharField(label=gettext_lazy("Narrative (shown as evidence)"), required=False,
                                max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = selectors.achievement_choices()

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("No account with this e-mail address."))
        self.cleaned_data["user"] = user
        return user.email


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class BulkForm(forms.Form):
    cohort = forms.TypedChoiceField(label=gettext_lazy("Cohort"), coerce=int)
    achievement = AchievementChoiceField(label=gettext_lazy("Achievement"), queryset=Achievement.objects.none())
    narrative = forms.CharField(label=gettext_lazy("Narrative for everyone"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    narratives = forms.CharField(
        label=gettext_lazy("Per-recipient narratives, one line each: e-mail | narrative"), required=False,
        max_length=200_000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from partnerships.models import Cohort

        self.fields["achievement"].queryset = selectors.achievement_choices()
        self.fields["cohort"].choices = [
            (c.pk, str(c)) for c in Cohort.objects.select_related("programme__school")[:500]
        ]

    def recipients(self) -> list[dict]:
        from partnerships.models import CohortMembership

        per = {}
        for line in (self.cleaned_data.get("narratives") or "").splitlines():
            if "|" in line:
                email, text = line.split("|", 1)
                per[email.strip().lower()] = text.strip()[:2000]
        default = self.cleaned_data.get("narrative") or ""
        members = CohortMembership.objects.filter(cohort_id=self.cleaned_data["cohort"]).select_related("user")
        return [{"user_id": m.user_id, "narrative": per.get(m.user.email.lower(), default)}
                for m in members.order_by("user__last_name", "user_id")]


@never_cache
def staff(request):
    denied = _staff_required(request)
    if denied:
        return denied
    query = request.GET.get("q", "").strip()[:100]
    issue_form, bulk_form = IssueForm(prefix="issue"), BulkForm(prefix="bulk")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            issue_form = IssueForm(request.POST, prefix="issue")
            if issue_form.is_valid():
                try:
                    res = services.issue_credential(
                        issue_form.cleaned_data["user"], issue_form.cleaned_data["achievement"],
                        narrative=issue_form.cleaned_data["narrative"], issued_by=request.user)
                except services.IssuanceError as exc:
                    issue_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Credential issued to %(email)s.")
                                     % {"email": res.credential.user.email})
                    return redirect("badges:staff")
        elif action == "bulk":
            bulk_form = BulkForm(request.POST, prefix="bulk")
            if bulk_form.is_valid():
                try:
                    job = services.start_bulk_issuance(
                        achievement=bulk_form.cleaned_data["achievement"], recipients=bulk_form.recipients(),
                        created_by=request.user, cohort_id=bulk_form.cleaned_data["cohort"])
                except services.IssuanceError as exc:
                    bulk_form.add_error(None, str(exc))
                else:
                    return redirect("badges:bulk", pk=job.pk)
        elif action == "rotate":
            key = services.rotate_key()
            if key.status == SigningKey.Status.ACTIVE:
                messages.success(request, _("New signing key %(key)s is active.") % {"key": key.fragment})
            else:
                messages.success(request, _("New signing key %(key)s is published in the DID document; it signs "
                                            "from %(when)s, once verifiers' cached copies have expired.")
                                 % {"key": key.fragment, "when": date_format(timezone.localtime(key.usable_from),
                                                                            "DATETIME_FORMAT")})
            return redirect("badges:staff")
    now = timezone.now()
    creds = [{"cred": c, "status": selectors.credential_status(c, now)} for c in selectors.staff_credentials(query)]
    return render(request, "badges/staff.html", {
        "items": creds, "query": query, "not_activated": sum(1 for c in creds if not c["cred"].user.is_activated), "issue_form": issue_form, "bulk_form": bulk_form,
        "revoke_form": RevokeForm(), "keys": SigningKey.objects.all(), "jobs": selectors.recent_bulk_jobs(),
    })


@require_POST
def staff_revoke(request, pk):
    denied = _staff_required(request)
    if denied:
        return denied
    cred = get_object_or_404(Credential, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to revoke a credential."))
        return redirect("badges:staff")
    if cred.revoked_at:
        messages.info(request, _("This credential is already revoked."))
        return redirect(reverse("badges:staff") + f"?q={cred.short_id}")
    if not confirm.confirmed(request, "badges.revoke", cred.pk):
        return confirm.ask(
            request, "badges.revoke", cred.pk, title=_("Revoke this credential?"), danger=True,
            lines=[_("You are about to revoke “%(badge)s” held by %(holder)s (%(short)s).")
                   % {"badge": cred.achievement.text("name"), "holder": cred.user.get_display_name(),
                      "short": cred.short_id},
                   _("Revocation cannot be undone: every verifier will report the credential as revoked, "
                     "with this reason: “%(reason)s”.") % {"reason": form.cleaned_data["reason"]}],
            confirm_label=_("Revoke the credential"), carry=("reason",),
            cancel_url=reverse("badges:staff") + f"?q={cred.short_id}")
    try:
        services.revoke_credential(cred, reason=form.cleaned_data["reason"], by=request.user)
    except services.IssuanceError as exc:  # e.g. no key may sign the status list yet (after a key compromise)
        messages.error(request, str(exc))
        return redirect(reverse("badges:staff") + f"?q={cred.short_id}")
    messages.success(request, _("The credential has been revoked."))
    return redirect(reverse("badges:staff") + f"?q={cred.short_id}")


def bulk(request, pk):
    denied = _staff_required(request)
    if denied:
        return denied
    job = get_object_or_404(BulkIssuance.objects.select_related("achievement"), pk=pk)
    return render(request, "badges/bulk.html", {"job": job})


@never_cache
def bulk_progress(request, pk):
    denied = _staff_required(request)
    if denied:
        return JsonResponse({"error": "forbidden"}, status=403)
    job = get_object_or_404(BulkIssuance, pk=pk)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "total": job.total, "issued": job.issued, "skipped": job.skipped,
                         "failed": job.failed, "processed": job.processed, "percent": job.percent,
                         "errors": job.errors[:20]})


# ------------------------------------------------------------------------------------ offline verification page
SCAN_ASSETS = ("lms/css/app.css", "lms/img/favicon.svg", "badges/scan/scan.css", "badges/scan/scan.js",
               "badges/scan/fsverify.js", "badges/scan/vendor/jsQR.js", "badges/scan/vendor/noble-ed25519.js",
               "badges/scan/icon-192.png", "badges/scan/icon-512.png")


def _scan_messages() -> list[tuple[str, str]]:
    """The page's texts for its script (data-msg-* attributes), in the page's language."""
    texts = {
        "online": _("Online"), "offline": _("Offline"),
        "trust-as-of": _("Issuer keys and revocation lists as of %(date)s."),
        "trust-missing": _("The issuer's keys are not on this device yet: open this page once with a connection."),
        "reading": _("Reading the QR code…"),
        "camera": _("Use the camera"), "stop-camera": _("Stop the camera"),
        "status-as-of": _("Status as of %(date)s"),
        "holder": _("Holder"), "achievement": _("Achievement"), "issuer": _("Issuer"), "issued-on": _("Issued on"),
        "valid-until": _("Valid until"), "no-end": _("No end date"), "credential-id": _("Credential id"),
        "engine-webcrypto": _("Signature checked on this device (the browser's Ed25519)."),
        "engine-bundled": _("Signature checked on this device (bundled Ed25519)."),
        "verdict-valid": _("Valid certificate"),
        "verdict-revoked": _("Revoked certificate"),
        "explain-revoked": _("The issuer has revoked this certificate: it is no longer valid."),
        "verdict-suspended": _("Suspended certificate"),
        "verdict-expired": _("Expired certificate"),
        "verdict-not-yet-valid": _("Not valid yet"),
        "verdict-status-unknown": _("Authentic, status unknown"),
        "explain-status-unknown": _("The signature is the issuer's, but this device has no revocation list for this "
                                    "certificate: reconnect once to fetch it."),
        "verdict-unknown-key": _("Unknown signing key"),
        "explain-unknown-key": _("This QR code was not signed with a key of the issuer known to this device. If the "
                                 "certificate is recent, reconnect once to refresh the keys."),
        "verdict-key-compromised": _("Signed with a compromised key"),
        "explain-key-compromised": _("The key that signed this QR code was declared compromised: it proves nothing. "
                                     "The holder has received a re-issued certificate."),
        "verdict-key-not-valid": _("Key not valid at the signing date"),
        "explain-key-not-valid": _("The key was not in service when this QR code says it was signed."),
        "verdict-bad-signature": _("Invalid signature"),
        "explain-bad-signature": _("The QR code's content does not match its signature: it was altered or forged."),
        "verdict-malformed": _("Not a Flow Stage offline QR code"),
        "explain-malformed": _("Scan the QR code marked “Verify offline” on the certificate."),
        "verdict-link": _("This QR code holds a link"),
        "explain-link": _("Open it with a connection to see the verification page, or scan the certificate's "
                          "“Verify offline” QR code."),
        "verdict-no-code": _("No QR code found"),
        "explain-no-code": _("Take the photo closer, flat and sharp, with the whole QR code in the picture."),
        "verdict-no-camera": _("The camera is not available"),
        "explain-no-camera": _("Allow the camera for this page, or choose a photo of the QR code instead."),
    }
    return list(texts.items())


def _scan_urls() -> dict:
    return {"page_url": reverse("badges_scan"), "sw_url": reverse("badges_scan_worker"),
            "manifest_url": reverse("badges_scan_manifest"), "trust_url": reverse("badges_scan_trust")}


@require_GET
def scan_page(request):
    """The offline verification page: the same for everyone (no user data, so its cached copy is nobody's)."""
    urls = _scan_urls()
    other = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            other.append((code, reverse("badges_scan")))
    resp = render(request, "badges/scan.html", {
        **urls, "scope": urls["page_url"], "scan_messages": _scan_messages(),
        "other_languages": [(c, u) for c, u in other if c != translation.get_language()],
    })
    resp["Cache-Control"] = "no-cache"
    return resp


@require_GET
def scan_manifest(request):
    """The web app manifest of the offline verification page, in the page's language."""
    from django.templatetags.static import static

    page = reverse("badges_scan")
    manifest = {
        "name": _("Flow Stage Academy — verify a certificate"), "short_name": _("FS Verify"),
        "description": _("Verify Flow Stage Academy certificates from their QR code, even offline."),
        "lang": translation.get_language(), "start_url": page, "scope": page, "id": page,
        "display": "standalone", "background_color": "#f5f3ff", "theme_color": "#4c1d95",
        "icons": [{"src": static(f"badges/scan/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png",
                   "purpose": "any"} for n in (192, 512)],
    }
    resp = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = "application/manifest+json"
    resp["Cache-Control"] = "no-cache"
    return resp


@require_GET
def scan_worker(request):
    """The page's service worker (its scope: the page's folder). Its cache's name carries a digest of what it
    precaches, so new static files install a new cache."""
    import hashlib

    from django.templatetags.static import static

    urls = _scan_urls()
    assets = [static(a) for a in SCAN_ASSETS]
    version = hashlib.sha256("\n".join([*assets, urls["page_url"]]).encode()).hexdigest()[:12]
    resp = render(request, "badges/scan_sw.js", {
        **urls, "assets": assets, "version": version, "language": translation.get_language()},
        content_type="text/javascript; charset=utf-8")
    resp["Cache-Control"] = "no-cache"
    return resp
