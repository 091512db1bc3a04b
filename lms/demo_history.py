"""Demo history: Marie Dubois's skill levels over the past months and her monthly job-readiness
snapshots, so that the progress chart and the trend ("78/100 (+45 depuis M1)") say something.

Runs last in seed_demo (after badges). Idempotent: it rewrites the same rows every time."""
import datetime
from dataclasses import replace
from decimal import Decimal

from django.utils import timezone

from lms.accounts import services as account_services
from lms.accounts.models import InternshipRecord, PortfolioItem, SoftwareSkill, StudentProfile, TechnicalSkill
from lms.readiness import experience_months, job_readiness
from lms.readiness_inputs import gather

MARIE = "marie.dubois@demo.flowstage.test"

# name -> [(months ago, level)], the last one being today's level (set by lms.demo).
TECHNICAL_TIMELINE = {
    "Mixage façade (FOH)": [(13, 1), (10, 2), (6, 3), (2, 4)],
    "Câblage et patch": [(13, 2), (9, 3), (5, 4)],
    "Mixage retours": [(11, 1), (7, 2), (3, 3)],
    "Prise de son studio": [(13, 2), (4, 3)],
    "Calage de système": [(8, 1), (1, 2)],
}
SOFTWARE_TIMELINE = {
    "Pro Tools": [(13, 2), (8, 3), (3, 4)],
    "Logic Pro": [(13, 3), (5, 4)],
    "Ableton Live": [(10, 2), (4, 3)],
    "Smaart": [(6, 1), (2, 2)],
}
SNAPSHOT_MONTHS = 12


def months_ago(today: datetime.date, n: int, day: int = 1) -> datetime.date:
    y, m = divmod(today.year * 12 + today.month - 1 - n, 12)
    return datetime.date(y, m + 1, day)


def _rewrite_history(model, name_field, profile, timeline, today):
    """Replace the history rows of each skill by the timeline (dated in the past)."""
    tz = timezone.get_current_timezone()
    rows = []
    for skill in model.objects.filter(profile=profile):
        points = timeline.get(getattr(skill, name_field))
        if not points:
            continue
        model.history.filter(id=skill.id).delete()
        for idx, (ago, level) in enumerate(points):
            day = months_ago(today, ago, day=min(5 + 3 * idx, 27))
            rows.append(model.history.model(
                id=skill.id, profile_id=profile.pk, level=level, **{name_field: getattr(skill, name_field)},
                history_date=datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=tz),
                history_type="+" if idx == 0 else "~", history_change_reason="demo history",
            ))
        if skill.level != points[-1][1]:
            model.objects.filter(pk=skill.pk).update(level=points[-1][1])
    model.history.model.objects.bulk_create(rows)


def _levels_at(timeline, when_ago: int):
    levels = []
    for points in timeline.values():
        past = [lvl for ago, lvl in points if ago >= when_ago]
        if past:
            levels.append(past[-1])
    return tuple(levels)


def seed(out):
    from lms.accounts.models import User

    marie = User.objects.filter(email=MARIE).first()
    profile = StudentProfile.objects.filter(user=marie).first() if marie else None
    if profile is None:
        return
    today = timezone.localdate()
    _rewrite_history(TechnicalSkill, "name", profile, TECHNICAL_TIMELINE, today)
    _rewrite_history(SoftwareSkill, "software", profile, SOFTWARE_TIMELINE, today)

    # Monthly snapshots: the real pure function applied to her profile as it was each month.
    now = gather(marie, today)
    periods = list(InternshipRecord.objects.filter(profile=profile).values_list("start", "end"))
    years = list(PortfolioItem.objects.filter(profile=profile).values_list("year", flat=True))
    for ago in range(SNAPSHOT_MONTHS - 1, -1, -1):
        month = months_ago(today, ago)
        if ago == 0:
            inputs = now
        else:
            frac = Decimal(SNAPSHOT_MONTHS - 1 - ago) / Decimal(SNAPSHOT_MONTHS - 1)
            inputs = replace(
                now,
                profile_items_filled=max(3, int(now.profile_items_filled * frac)),
                technical_levels=_levels_at(TECHNICAL_TIMELINE, ago),
                software_levels=_levels_at(SOFTWARE_TIMELINE, ago),
                experience_months=experience_months(periods, month),
                portfolio_items=sum(1 for y in years if y < month.year or (y == month.year and month.month >= 6)),
                modules_passed=now.modules_passed if ago <= 2 else 0,
                ects_earned=now.ects_earned if ago <= 2 else Decimal(0),
                certifications=now.certifications if ago <= 1 else 0,
                connections=min(now.connections, (SNAPSHOT_MONTHS - ago) // 4),
                mentors=now.mentors if ago <= 1 else 0,
            )
        result = job_readiness(inputs)
        account_services.record_readiness_snapshot(marie, month, result.score, result.as_json())
    out.write(f"  Marie Dubois: skill history over {SNAPSHOT_MONTHS} months, readiness snapshots")
