"""Student profile pages, job-readiness score and the student dashboard (composing layer)."""
from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from badges import selectors as badges_selectors
from careers import selectors as careers_selectors
from courses import selectors as courses_selectors
from exams import selectors as exams_selectors
from lms import readiness_inputs
from lms.accounts import charts, roles
from lms.accounts import selectors as profile_selectors
from lms.accounts import services as profile_services
from lms.accounts.forms import SECTIONS, ReviewForm
from lms.accounts.models import Level, StudentProfile
from lms.readiness import trend, trend_points


def student_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.has_role(request.user, roles.STUDENT):
            raise PermissionDenied(_("This page is for students."))
        return view(request, *args, **kwargs)

    return wrapper


def _month_label(d):
    return formats.date_format(d, "M Y")


def _short_month(d):
    return formats.date_format(d, "M y")


def _level_labels():
    return {lvl.value: str(lvl.label).split("·", 1)[-1].strip() for lvl in Level}


def skill_chart(profile, kind="technical"):
    title = _("Technical skill levels over time") if kind == "technical" else _("Software mastery over time")
    series = profile_selectors.skill_history(profile, kind)
    if not series:
        return ""
    return mark_safe(charts.skill_history_svg(series, timezone.localdate(), _level_labels(), _short_month, title))


def academic_info(user):
    """School, programme and graduation year from the cohort membership (partnerships)."""
    from partnerships import selectors as p_selectors

    membership = p_selectors.student_cohort_membership(user)
    if membership is None:
        return None
    cohort = membership.cohort
    return {"school": cohort.programme.school, "programme": cohort.programme, "graduation_year": cohort.graduation_year,
            "label": cohort.label, "cohort": cohort}


def credentials(user, public_only=False):
    """Certifications are shown from badges, never copied into the profile."""
    rows = badges_selectors.credentials_for_user(user)
    if public_only:
        rows = [r for r in rows if r.get("public") and r.get("status") == "valid"]
    return rows


def readiness_context(user):
    result = readiness_inputs.readiness_for(user)
    snaps = profile_selectors.readiness_snapshots(user)
    tr = trend(snaps)
    if tr is not None:
        tr["delta_current"] = result.rounded - int(tr["first"])
    chart = ""
    if snaps:
        today = timezone.localdate()
        chart = mark_safe(charts.score_trend_svg(
            trend_points(snaps, today, result.score), _("Job-readiness score by month"),
            lambda d: _("today") if d == today else _short_month(d)))
    return {"result": result, "components": readiness_inputs.explained(result), "trend": tr, "trend_chart": chart}


def _profile_page_context(profile, viewer, public):
    data = profile_selectors.profile_data(profile)
    p = profile
    show = {
        "skills": not public or p.public_skills,
        "portfolio": not public or p.public_portfolio,
        "experience": not public or p.public_experience,
        "career": not public or p.public_career,
        "readiness": not public or p.public_readiness,
        "private": not public,
    }
    ctx = {
        "profile": p, "student": p.user, "data": data, "show": show, "public": public,
        "academic": academic_info(p.user),
        "credentials": credentials(p.user, public_only=public),
        "tech_chart": skill_chart(p, "technical") if show["skills"] else "",
        "soft_chart": skill_chart(p, "software") if show["skills"] else "",
        "completeness": profile_selectors.completeness(data),
        "public_url": reverse("public_profile", args=[p.public_id]),
        # the professional contacts the student added to their connections (careers' contact log)
        "professional_contacts": careers_selectors.profile_contacts(p.user_id),
    }
    if show["readiness"]:
        ctx["readiness"] = readiness_context(p.user)
    if public and viewer.is_authenticated and viewer.pk != p.user_id:
        ctx["review_form"] = ReviewForm(instance=next((r for r in data.peer_reviews if r.reviewer_id == viewer.pk), None))
        ctx["connected"] = profile_selectors.are_connected(viewer.pk, p.user_id)
    if public:
        # Reviews and portfolio items carry a name and files: only what the student made public.
        ctx["data"].portfolio = data.portfolio if show["portfolio"] else []
    return ctx


@student_required
def profile(request):
    """The student's own, complete profile."""
    p = profile_services.get_or_create_profile(request.user)
    return render(request, "lms/profile/detail.html", _profile_page_context(p, request.user, public=False))


def public_profile(request, public_id):
    """What the student chose to show. A private profile is a 404 for everyone but its owner."""
    p = get_object_or_404(StudentProfile.objects.select_related("user"), public_id=public_id)
    is_owner = request.user.is_authenticated and request.user.pk == p.user_id
    if not p.is_public and not is_owner:
        raise Http404
    return render(request, "lms/profile/detail.html", _profile_page_context(p, request.user, public=True))


@login_required
@require_POST
def review_profile(request, public_id):
    p = get_object_or_404(StudentProfile.objects.select_related("user"), public_id=public_id, is_public=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            profile_services.leave_peer_review(student=p.user, reviewer=request.user,
                                               rating=form.cleaned_data["rating"], text=form.cleaned_data["text"])
            messages.success(request, _("Thank you, your review is saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Your review was not saved: give a rating and a text."))
    return redirect("public_profile", public_id=p.public_id)


@login_required
@require_POST
def connect_profile(request, public_id):
    p = get_object_or_404(StudentProfile.objects.select_related("user"), public_id=public_id, is_public=True)
    try:
        if request.POST.get("action") == "disconnect":
            profile_services.disconnect(request.user, p.user)
            messages.info(request, _("Connection removed."))
        else:
            profile_services.connect(request.user, p.user)
            messages.success(request, _("You are now connected."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("public_profile", public_id=p.public_id)


@student_required
def profile_edit(request):
    """Overview of the profile sections, with completeness."""
    p = profile_services.get_or_create_profile(request.user)
    data = profile_selectors.profile_data(p)
    counts = {
        "about": int(bool(p.headline or p.bio)) + int(bool(p.looking_for)),
        "academic": len(data.specialisations) + len(data.languages) + len(data.academic_projects),
        "skills": len(data.technical_skills) + len(data.software_skills),
        "portfolio": len(data.portfolio),
        "career": len(data.target_roles) + len(data.sectors) + len(data.availability) + len(data.mentors),
        "experience": len(data.internships) + len(data.projects),
    }
    sections = [{"key": k, "title": s["title"], "intro": s["intro"], "count": counts.get(k)} for k, s in SECTIONS.items()]
    return render(request, "lms/profile/edit.html", {
        "profile": p, "sections": sections, "completeness": profile_selectors.completeness(data),
        "academic": academic_info(request.user),
    })


@student_required
def profile_section(request, section):
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    p = profile_services.get_or_create_profile(request.user)
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = spec["form"](post, files, instance=p) if spec["form"] else None
    formsets = [(title, fs_class(post, files, instance=p, prefix=prefix)) for prefix, title, fs_class in spec["formsets"]]
    if request.method == "POST":
        parts = ([form] if form else []) + [fs for _t, fs in formsets]
        if all(part.is_valid() for part in parts):
            profile_services.save_profile_forms(parts)
            messages.success(request, _("Saved."))
            if "stay" in request.POST:
                return redirect("profile_section", section=section)
            return redirect("profile_edit")
        messages.error(request, _("Nothing was saved: please correct the fields marked in red."))
    keys = list(SECTIONS)
    idx = keys.index(section)
    return render(request, "lms/profile/section.html", {
        "section": section, "spec": spec, "form": form, "formsets": formsets,
        "multipart": spec.get("multipart", False),
        "next_section": keys[idx + 1] if idx + 1 < len(keys) else None,
        "sections": [(k, SECTIONS[k]["title"]) for k in keys],
        "academic": academic_info(request.user) if section == "academic" else None,
    })


@student_required
def readiness(request):
    return render(request, "lms/profile/readiness.html", {"readiness": readiness_context(request.user)})


# The student dashboard's blocks, one per app, each composed here from that app's selectors and drawn by that app's
# template (blocks/student_dashboard.html): (template, function of the request giving the block's context). A missing
# template is an error, never a silently missing block.
def _courses_block(request):
    return {"summary": courses_selectors.learning_summary(request.user),
            "rows": courses_selectors.progress_by_user([request.user.pk])[request.user.pk]}


def _exams_block(request):
    return {"summary": exams_selectors.certification_summary(request.user),
            "results": exams_selectors.own_results(request.user)}  # scores as the review options show them


def _badges_block(request):
    return {"credentials": badges_selectors.credentials_for_user(request.user)}


def _careers_block(request):
    return careers_selectors.dashboard_block(request.user, (translation.get_language() or "fr")[:2], request)


STUDENT_DASHBOARD_BLOCKS = [
    ("courses/blocks/student_dashboard.html", _courses_block),
    ("exams/blocks/student_dashboard.html", _exams_block),
    ("badges/blocks/student_dashboard.html", _badges_block),
    ("careers/blocks/student_dashboard.html", _careers_block),
]


@student_required
def student_dashboard(request):
    p = profile_services.get_or_create_profile(request.user)
    data = profile_selectors.profile_data(p)
    blocks = [(template, build(request)) for template, build in STUDENT_DASHBOARD_BLOCKS]
    return render(request, "lms/dashboard/student.html", {
        "profile": p, "data": data, "completeness": profile_selectors.completeness(data),
        "readiness": readiness_context(request.user), "academic": academic_info(request.user),
        "blocks": blocks,
    })
