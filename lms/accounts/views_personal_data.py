"""Personal data pages: a person downloads what the platform holds about them (JSON, and a readable page to
print or save as PDF) and asks for its erasure; Flow Stage's staff see the requests and carry them out or
refuse them. What each app holds and keeps is in lms/accounts/personal_data.py and the apps' personal_data.py."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import personal_data, roles, services
from .models import ErasureRequest


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def my_data(request):
    """What is held, the downloads, and the erasure request with its state."""
    return _no_store(render(request, "accounts/my_data.html", {
        "sections": personal_data.sections(),
        "requests": ErasureRequest.objects.filter(user=request.user),
        "pending": ErasureRequest.objects.filter(user=request.user, status=ErasureRequest.Status.PENDING).first(),
    }))


@login_required
def export_json(request):
    data = personal_data.export(request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="flowstage-my-data-{timezone.localdate():%Y-%m-%d}.json"')
    return _no_store(response)


def _readable(data):
    """The export as nested (label, value) lists for the readable page: the same data as the JSON."""
    def walk(v):
        if isinstance(v, dict):
            return {"kind": "dict", "items": [(k, walk(x)) for k, x in v.items()]}
        if isinstance(v, list):
            if v and all(not isinstance(x, dict | list) for x in v):
                return {"kind": "scalar", "value": ", ".join("" if x is None else str(x) for x in v)}
            return {"kind": "list", "items": [walk(x) for x in v]}
        return {"kind": "scalar", "value": "" if v is None else ("✓" if v is True else "✗" if v is False else v)}

    return [{"title": s["title"], "retained": s["retained_after_erasure"], "data": walk(s["data"])}
            for s in data["sections"]]


@login_required
def export_page(request):
    data = personal_data.export(request.user)
    return _no_store(render(request, "accounts/my_data_export.html", {
        "generated_at": timezone.now(), "sections": _readable(data)}))


@login_required
@require_POST
def request_erasure(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you ask for the erasure of your data."))
        return redirect("my_data")
    services.request_erasure(request.user, request.POST.get("reason", ""))
    messages.success(request, _("Your request was sent to Flow Stage, who will carry it out within one month at "
                                "most. Download your data first if you want to keep a copy: once erased, this "
                                "account can no longer sign in."))
    return redirect("my_data")


# --- staff -------------------------------------------------------------------------------------------------
def _staff_only(user):
    if not roles.has_role(user, roles.FLOWSTAGE_STAFF):
        raise PermissionDenied(_("Flow Stage staff only."))


@login_required
def erasure_requests(request):
    _staff_only(request.user)
    status = request.GET.get("status", ErasureRequest.Status.PENDING)
    if status not in ErasureRequest.Status.values:
        status = ErasureRequest.Status.PENDING
    qs = ErasureRequest.objects.filter(status=status).select_related("user", "decided_by")[:200]
    return render(request, "accounts/erasure_requests.html", {
        "requests": qs, "status": status, "statuses": ErasureRequest.Status.choices,
        "sections": personal_data.sections()})


@login_required
@require_POST
def decide_erasure(request, pk: int):
    _staff_only(request.user)
    req = ErasureRequest.objects.filter(pk=pk).select_related("user").first()
    if req is None:
        raise Http404
    action, note = request.POST.get("action"), request.POST.get("note", "")
    if req.user_id == request.user.pk:
        messages.error(request, _("Another member of the staff must decide on your own request."))
        return redirect("erasure_requests")
    try:
        if action == "erase":
            services.carry_out_erasure(req, request.user, note)
            messages.success(request, _("The personal data were erased."))
        elif action == "refuse":
            services.refuse_erasure(req, request.user, note)
            messages.success(request, _("The request was refused; the person sees your reason."))
        else:
            messages.error(request, _("Choose to erase or to refuse."))
    except services.ErasureError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("erasure_requests")

