"""Question bank pages for teachers and staff: GIFT / Moodle XML import (preview, all-or-nothing),
export to both formats, and regrading after a key correction (dry run first)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from exams import selectors, services
from exams.formats import MAX_QUESTIONS, MAX_SOURCE_BYTES, gift, moodlexml
from exams.models import Question, QuestionCategory

MAX_UPLOAD = MAX_SOURCE_BYTES
PAGE_SIZE = 50


class ImportForm(forms.Form):
    fmt = forms.ChoiceField(label=_("Format"), choices=[("gift", "GIFT"), ("xml", "Moodle XML")])
    category = forms.ModelChoiceField(label=_("Into category"), queryset=QuestionCategory.objects.none())
    language = forms.ChoiceField(label=_("Language of the questions"), choices=[("fr", _("French")),
                                                                                 ("en", _("English"))])
    upload = forms.FileField(label=_("File"), required=False)
    source = forms.CharField(label=_("…or paste the questions"), required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 10}), max_length=MAX_UPLOAD)
    # strip=False: the line numbers of the preview are those of the pasted text.

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = services.categories_for(user, write=True)

    too_large = False

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD:  # checked before anything is read
                self.too_large = True
                raise forms.ValidationError(_("The file is too large (2 MB at most)."))
            raw = upload.read()
            try:
                data["source"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file must be UTF-8 text.")) from None
        if not (data.get("source") or "").strip():
            raise forms.ValidationError(_("Upload a file or paste the questions."))
        return data


def _require_bank_user(user):
    if not services.categories_for(user, write=True).exists() and not services.is_bank_admin(user):
        raise PermissionDenied


def _preview(request, form, parsed, category, staged):
    """The preview context: the plan, paged (PAGE_SIZE questions and PAGE_SIZE refused blocks a page),
    and the status (422 when something is refused, 413 when the file is beyond the limits)."""
    plan = selectors.import_plan(parsed, category)
    status = 200
    if parsed.truncated:
        form.add_error(None, services.too_many_questions_message())
        status = 413
    elif plan.rejected:
        status = 422
    rows = Paginator(plan.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    rejected = Paginator(plan.rejected, PAGE_SIZE).get_page(request.GET.get("rpage"))
    return {"form": form, "parsed": parsed, "plan": plan, "staged": staged, "rows": rows,
            "rejected": rejected}, status


def _render(request, ctx, status):
    return render(request, "exams/import.html", {
        "form": ImportForm(user=request.user), "categories": services.categories_for(request.user),
        "max_questions": MAX_QUESTIONS, "max_mb": MAX_SOURCE_BYTES // 1_000_000, **ctx,
    }, status=status)


@login_required
def import_questions(request):
    """The form; its preview stages the file (`services.stage_import`) and shows page 1. A confirmation
    posted here with the text itself (an API-like client pasting the source) imports it directly."""
    _require_bank_user(request.user)
    if request.method != "POST":
        return _render(request, {}, 200)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render(request, {"form": form}, 413 if form.too_large else 422)
    d = form.cleaned_data
    parsed = services.parse_import(d["fmt"], d["source"])
    if "confirm" in request.POST:
        try:
            created = services.import_questions(parsed, d["category"], request.user, d["language"])
        except services.ExamError as exc:
            messages.error(request, exc.message)
            ctx, _status = _preview(request, form, parsed, d["category"], None)
            return _render(request, ctx, exc.status)
        messages.success(request, _("%(n)s questions imported.") % {"n": len(created)})
        return redirect("exams:import")
    try:
        staged = services.stage_import(request.user, d["fmt"], d["category"], d["language"], d["source"])
    except services.ExamError:  # over the size limit in UTF-8 bytes: the parser refused it too (413)
        staged = None
    return _render(request, *_preview(request, form, parsed, d["category"], staged))


@login_required
def import_staged(request, staged_id):
    """A staged file: GET shows a page of its preview (`?page=`, `?rpage=`), POST imports it."""
    _require_bank_user(request.user)
    staged = get_object_or_404(selectors.staged_imports(request.user), pk=staged_id)
    if request.method == "POST":
        try:
            created = services.import_staged(staged, request.user)
        except services.ExamError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, _("%(n)s questions imported.") % {"n": len(created)})
            return redirect("exams:import")
    else:
        status = None
    form = ImportForm(user=request.user, initial={"fmt": staged.fmt, "category": staged.category_id,
                                                  "language": staged.language})
    ctx, preview_status = _preview(request, form, services.parse_import(staged.fmt, staged.source),
                                   staged.category, staged)
    return _render(request, ctx, status or preview_status)


def _export_response(parsed, fmt, filename):
    if fmt == "gift":
        text, _skipped = gift.export(parsed)
        resp = HttpResponse(text, content_type="text/plain; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{filename}.gift.txt"'
    elif fmt == "xml":
        resp = HttpResponse(moodlexml.export(parsed), content_type="application/xml; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{filename}.xml"'
    else:
        raise Http404
    return resp


def _export_lang(request):
    return request.GET.get("lang", "fr") if request.GET.get("lang") in ("fr", "en") else "fr"


@login_required
def export_questions(request, category_id, fmt):
    category = get_object_or_404(services.categories_for(request.user), pk=category_id)
    return _export_response(services.export_parsed([category], _export_lang(request)), fmt, f"category-{category.pk}")


@login_required
def export_bank(request, fmt):
    """Several categories in one file (`?category=1&category=2`, default: every category the user may
    see), with a category line before each, so the bank round-trips through Moodle or our import."""
    visible = services.categories_for(request.user)
    ids = {int(i) for i in request.GET.getlist("category") if i.isdigit()}
    categories = list(visible.filter(pk__in=ids) if ids else visible)
    if ids and len(categories) != len(ids):
        raise Http404
    if not categories:
        raise Http404
    return _export_response(services.export_parsed(categories, _export_lang(request)), fmt, "question-bank")


@login_required
def regrade(request, question_id):
    if not services.is_bank_admin(request.user):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_id)
    if request.method == "POST":
        changes = services.regrade_question(question, request.user, dry_run=False)
        messages.success(request, _("%(n)s attempts regraded.") % {"n": len(changes)})
        return render(request, "exams/regrade.html", {"question": question, "changes": changes, "applied": True})
    changes = services.regrade_question(question, request.user, dry_run=True)
    return render(request, "exams/regrade.html", {"question": question, "changes": changes, "applied": False})
