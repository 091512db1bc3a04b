"""State changes of accounts and student profiles; each one transaction."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import (
    Connection,
    ErasureRequest,
    PeerReview,
    ReadinessSnapshot,
    SoftwareSkill,
    StudentProfile,
    TechnicalSkill,
    User,
)


class EmailTaken(ValidationError):
    pass


@transaction.atomic
def register_user(*, email: str, password: str, first_name: str = "", last_name: str = "", role: str,
                  preferred_language: str = "fr") -> User:
    """Create an account with one role. The e-mail is unique regardless of case."""
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(_("An account already uses this e-mail address."), code="email_taken")
    if role not in roles.ROLES:
        raise ValueError(f"unknown role {role!r}")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, first_name=first_name.strip(), last_name=last_name.strip(),
                preferred_language=preferred_language if preferred_language in ("fr", "en") else "fr",
            )
    except IntegrityError:  # a concurrent sign-up with the same address
        raise EmailTaken(_("An account already uses this e-mail address."), code="email_taken") from None
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role == roles.STUDENT:
        StudentProfile.objects.create(user=user)
    return user


def get_or_create_profile(user) -> StudentProfile:
    profile, _created = StudentProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def save_profile_forms(forms) -> None:
    """Save a profile section (a form and/or formsets, already validated) all or nothing."""
    for form in forms:
        form.save()


@transaction.atomic
def set_skill_level(profile: StudentProfile, name: str, level: int, *, software: bool = False):
    """Create or update one skill (the change goes to the history used by the progress chart)."""
    if not 1 <= int(level) <= 5:
        raise ValidationError(_("A level is between 1 and 5."), code="level_range")
    model, field = (SoftwareSkill, "software") if software else (TechnicalSkill, "name")
    skill = model.objects.filter(profile=profile, **{f"{field}__iexact": name}).first()
    if skill is None:
        return model.objects.create(profile=profile, level=level, **{field: name})
    if skill.level != level:
        skill.level = level
        skill.save()
    return skill


@transaction.atomic
def leave_peer_review(*, student, reviewer, rating: int, text: str) -> PeerReview:
    """One review per reviewer (a second one replaces the first); nobody reviews themselves."""
    if student.pk == reviewer.pk:
        raise ValidationError(_("You cannot review yourself."), code="self_review")
    if not 1 <= int(rating) <= 5:
        raise ValidationError(_("A rating is between 1 and 5."), code="rating_range")
    review, _created = PeerReview.objects.update_or_create(
        student=student, reviewer=reviewer, defaults={"rating": int(rating), "text": text.strip()}
    )
    return review


@transaction.atomic
def connect(a, b) -> Connection:
    if a.pk == b.pk:
        raise ValidationError(_("You cannot connect with yourself."), code="self_connection")
    low, high = sorted((a.pk, b.pk))
    conn, _created = Connection.objects.get_or_create(user_low_id=low, user_high_id=high)
    return conn


@transaction.atomic
def disconnect(a, b) -> None:
    low, high = sorted((a.pk, b.pk))
    Connection.objects.filter(user_low_id=low, user_high_id=high).delete()


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def record_readiness_snapshot(user, month: datetime.date, score: Decimal, components: dict) -> ReadinessSnapshot:
    """Store (or replace) the score of `user` for the month of `month` — idempotent per month."""
    snap, _created = ReadinessSnapshot.objects.update_or_create(
        user=user, month=month_start(month),
        defaults={"score": Decimal(score).quantize(Decimal("0.01")), "components": components},
    )
    return snap


# --- Personal data: erasure (lms/accounts/personal_data.py) ------------------------------------------
class ErasureError(ValidationError):
    pass


def request_erasure(user, reason: str = "", by=None) -> ErasureRequest:
    """The person asks for the erasure of their personal data (or a staff member records it for them, `by`);
    Flow Stage's staff carry it out or refuse it. Asking twice while a request is pending returns the pending
    one."""
    pending = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).first()
    if pending is not None:
        return pending
    req = ErasureRequest(user=user, reason=(reason or "").strip()[:2000])
    req._history_user = by or user
    req._change_reason = "requested"
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:  # two clicks at once: the partial unique index kept one
        return ErasureRequest.objects.get(user=user, status=ErasureRequest.Status.PENDING)
    return req


def _decide(req: ErasureRequest, by, status: str, note: str, reason_for_history: str):
    locked = ErasureRequest.objects.select_for_update().select_related("user").get(pk=req.pk)
    if locked.status != ErasureRequest.Status.PENDING:
        raise ErasureError(_("This request was already decided."))
    locked.status, locked.decided_at, locked.decided_by = status, timezone.now(), by
    locked.staff_note = (note or "").strip()[:2000]
    locked._history_user = by
    locked._change_reason = reason_for_history
    return locked


@transaction.atomic
def carry_out_erasure(req: ErasureRequest, by, note: str = "") -> ErasureRequest:
    """Erase the person's personal data (every registered section, all or nothing) and record it."""
    from . import personal_data

    locked = _decide(req, by, ErasureRequest.Status.DONE, note, "carried out")
    result = personal_data.erase(locked.user)
    locked.summary = result.done
    locked.save()
    return locked


@transaction.atomic
def refuse_erasure(req: ErasureRequest, by, note: str) -> ErasureRequest:
    """Refuse a request (a reason is required: the person is told why)."""
    if not (note or "").strip():
        raise ErasureError(_("Say why the request is refused: the person will read it."))
    locked = _decide(req, by, ErasureRequest.Status.REFUSED, note, "refused")
    locked.save()
    return locked
