"""Builders for exams tests: an entitled school, a sound cohort, a certification with a small bank."""
import datetime
import itertools
from decimal import Decimal

from exams import review, services
from exams.models import (
    Certification, Exam, ExamFixedQuestion, ExamRandomDraw, PrerequisiteExemption, Question, QuestionCategory, Rubric,
    RubricCriterion, RubricLevel,
)
from partnerships.entitlements import FLOW_STAGE_READY_CERTIFICATION
from partnerships.models import Cohort, CohortMembership, Entitlement, Partnership, Programme, School, Tier
from tests.factories import make_user

CHOICES = {"choices": [{"id": "a", "text_fr": "Bonne", "text_en": "Right", "fraction": "100"},
                       {"id": "b", "text_fr": "Mauvaise", "text_en": "Wrong", "fraction": "0"},
                       {"id": "c", "text_fr": "Autre", "text_en": "Other", "fraction": "0"}]}
MULTI = {"choices": [{"id": "a", "text_fr": "A", "fraction": "50"}, {"id": "b", "text_fr": "B", "fraction": "50"},
                     {"id": "c", "text_fr": "C", "fraction": "-50"}, {"id": "d", "text_fr": "D", "fraction": "-50"}]}
KEYS = {
    "single": CHOICES,
    "multiple": MULTI,
    "truefalse": {"answer": True},
    "numeric": {"answers": [{"value": "440", "tolerance": "5", "fraction": "100"}]},
    "short": {"answers": [{"text": "Front of house", "fraction": "100"}, {"text": "FOH", "fraction": "100"}]},
    "matching": {"pairs": [{"id": "p1", "left_fr": "SM58", "right_fr": "Voix"},
                           {"id": "p2", "left_fr": "D112", "right_fr": "Grosse caisse"},
                           {"id": "p3", "left_fr": "KM184", "right_fr": "Overheads"}]},
    "ordering": {"items": [{"id": "i1", "text_fr": "Line check"}, {"id": "i2", "text_fr": "Gains"},
                           {"id": "i3", "text_fr": "Retours"}]},
}


_seq = itertools.count(1)


def entitled_school(name="École Son Test", entitled=True):
    name = f"{name} {next(_seq)}"
    school = School.objects.create(name=name, slug=name.lower().replace(" ", "-")[:80], category="sound")
    tier = Tier.objects.create(code=f"t-{school.pk}", name=f"Tier {school.pk}", rank=100 + school.pk,
                               annual_fee=Decimal("2500"))
    if entitled:
        ent, _ = Entitlement.objects.get_or_create(code=FLOW_STAGE_READY_CERTIFICATION, defaults={"name": "FSR"})
        tier.entitlements.add(ent)
    Partnership.objects.create(school=school, tier=tier, status="active", annual_fee=Decimal("2500"))
    return school


def sound_student(school, domain="sound", level=3, email=None):
    programme, _ = Programme.objects.get_or_create(school=school, name=f"Prog {domain} {level}",
                                                   defaults={"domain": domain, "degree_level": level})
    cohort, _ = Cohort.objects.get_or_create(programme=programme, graduation_year=2027)
    user = make_user("student", **({"email": email} if email else {}))
    CohortMembership.objects.create(cohort=cohort, user=user)
    return user


def give_profile(user, months=4, software=2, projects=5):
    from lms.accounts.models import InternshipRecord, PortfolioItem, SoftwareSkill, StudentProfile

    profile, _ = StudentProfile.objects.get_or_create(user=user)
    start = datetime.date(2025, 1, 1)
    InternshipRecord.objects.create(profile=profile, organisation="Sonotec", role="Stagiaire",
                                    start=start, end=start + datetime.timedelta(days=30 * months))
    for i in range(software):
        SoftwareSkill.objects.create(profile=profile, software=f"Soft {i}", level=4)
    for i in range(projects):
        PortfolioItem.objects.create(profile=profile, title=f"Projet {i}", year=2025, description="documenté")
    return profile


def make_rubric():
    rubric = Rubric.objects.create(family=f"test-rubric-{next(_seq)}", title_fr="Pratique")
    for pos, (title, maximum) in enumerate([("Setup", 40), ("Dépannage", 20), ("Communication", 20)]):
        c = RubricCriterion.objects.create(rubric=rubric, position=pos, title_fr=title)
        for lpos, share in enumerate(["0", "0.5", "0.75", "1"]):
            RubricLevel.objects.create(criterion=c, position=lpos, label_fr=f"L{lpos}",
                                       points=Decimal(maximum) * Decimal(share))
    return rubric


def make_question(category, qtype="single", points="1", **extra):
    q = Question(category=category, qtype=qtype, text_fr=f"Question {qtype}", text_en=f"Question {qtype} (en)",
                 feedback_fr="Explication secrète", key=KEYS[qtype], points=Decimal(points), **extra)
    q.full_clean()
    q.save()
    return q


# The former single review setting, by name: what the candidate sees at every moment.
REVIEW = {"none": {review.SCORE}, "responses": {review.SCORE, review.RESPONSES}, "full": set(review.PARTS)}


def review_options(parts_by_moment: dict) -> dict:
    """Exam field values from `{moment: parts}` (a moment left out shows nothing)."""
    return {review.field_name(m, p): p in parts_by_moment.get(m, ()) for m in review.MOMENTS for p in review.PARTS}


def make_certification(types=("single", "multiple", "truefalse", "numeric", "short", "matching", "ordering"),
                       practical=True, **exam_kwargs):
    """A certification exam with one fixed question of each type. `review="none"|"responses"|"full"`: that
    review at every moment; otherwise the certification's default."""
    if "review" in exam_kwargs:
        shown = REVIEW[exam_kwargs.pop("review")]
        exam_kwargs.update(review_options({m: shown for m in review.MOMENTS}))
    cat = QuestionCategory.objects.create(name=f"Cat {QuestionCategory.objects.count()}")
    rubric = make_rubric() if practical else None
    defaults = {"theory_weight": Decimal(60), "practical_weight": Decimal(40) if practical else Decimal(0)}
    if not practical:
        defaults["theory_weight"] = Decimal(100)
    defaults.update(exam_kwargs)
    exam = Exam.objects.create(title_fr="Examen test", slug=f"exam-{Exam.objects.count()}", rubric=rubric,
                               **defaults)
    for pos, t in enumerate(types):
        ExamFixedQuestion.objects.create(exam=exam, question=make_question(cat, t), position=pos)
    cert = Certification.objects.create(code=f"cert-{exam.pk}", name_fr="Audio Engineer — Flow Stage Ready",
                                        exam=exam)
    return cert


def registered_student(cert, school=None):
    school = school or entitled_school("School")
    user = sound_student(school)
    give_profile(user)
    services.register(cert, user)
    return user


def as_client(aq, response):
    """A response written with the bank's ids, as the candidate's client sends it (the attempt's tokens)."""
    from exams import options

    return options.to_client(aq, response)


def tok(aq, column, bank_id):
    """The attempt's opaque id of one option ("choice", "item", "left" or "right" column)."""
    from exams import options

    return options.OptionMap(aq).out(column, bank_id)


def save(attempt, aq, response, **kwargs):
    """Save a response written with the bank's ids through the service, as the client would send it."""
    return services.save_answer(attempt.pk, attempt.user, aq.pk, as_client(aq, response), **kwargs)


def all_right(attempt):
    from exams import grading
    from exams.models import AttemptQuestion

    for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version"):
        save(attempt, aq, grading.right_response(aq.version.qtype, aq.version.key))


__all__ = ["ExamRandomDraw", "PrerequisiteExemption"]
