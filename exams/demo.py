"""Demo data of the exams app (idempotent): the "Audio Engineer — Flow Stage Ready" certification, its
bilingual theory bank (43 questions), the practical rubric (setup 4 h / troubleshooting 2 h / client
communication 2 h → 40 / 20 / 20 points), one passed attempt (Lucas Martin) and one failed attempt
(Emma Petit) in Marie's cohort, and an exemption that lets Marie register."""
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from exams import grading, options, services
from exams.demo_questions import QUESTIONS
from exams.models import (
    Attempt, AttemptQuestion, Certification, Exam, ExamRandomDraw, PrerequisiteExemption, Question, QuestionCategory,
    Registration, Rubric, RubricCriterion, RubricLevel,
)

CERT_CODE = "audio-engineer-flow-stage-ready"
RUBRIC = [
    # (fr, en, max points, description fr, description en)
    ("Setup live simulé", "Simulated live setup", Decimal(40),
     "Patch, câblage, calage du système et balance d'un groupe en conditions réelles (4 h).",
     "Patch, wiring, system tuning and soundcheck of a band in real conditions (4 h)."),
    ("Résolution de problèmes techniques", "Technical troubleshooting", Decimal(20),
     "Diagnostic et résolution de pannes introduites par le jury (2 h).",
     "Diagnosing and fixing faults planted by the examiners (2 h)."),
    ("Communication client", "Client communication", Decimal(20),
     "Échange avec un artiste et un régisseur de lieu joués par le jury (2 h).",
     "Talking with an artist and a venue manager played by the examiners (2 h)."),
]
LEVELS = [
    ("Insuffisant", "Insufficient", Decimal("0"), "Objectifs non atteints.", "Objectives not met."),
    ("Partiel", "Partial", Decimal("0.5"), "Objectifs partiellement atteints, aide nécessaire.",
     "Objectives partly met, needed help."),
    ("Satisfaisant", "Satisfactory", Decimal("0.75"), "Objectifs atteints en autonomie.", "Objectives met independently."),
    ("Excellent", "Excellent", Decimal("1"), "Niveau professionnel, anticipation et rigueur.",
     "Professional level, anticipation and rigour."),
]


def seed_bank():
    cats = {}
    for name in dict.fromkeys(q[0] for q in QUESTIONS):
        cats[name], _ = QuestionCategory.objects.get_or_create(
            school=None, name=name, defaults={"description": "Banque de certification Flow Stage Ready",
                                              "flowstage_only": True})
    for i, (cat, qtype, text_fr, text_en, key, fb_fr, fb_en) in enumerate(QUESTIONS, start=1):
        name = f"FSR-{i:03d}"
        q = Question.objects.filter(name=name, category=cats[cat]).first() or Question(name=name, category=cats[cat])
        q.qtype, q.text_fr, q.text_en, q.key = qtype, text_fr, text_en, key
        q.feedback_fr, q.feedback_en, q.points = fb_fr, fb_en, Decimal(1)
        q.full_clean()
        q.save()
    return cats


def seed_rubric():
    rubric, _ = Rubric.objects.get_or_create(family="fsr-audio-practical", version=1, defaults={
        "title_fr": "Évaluation pratique — Audio Engineer", "title_en": "Practical evaluation — Audio Engineer"})
    if rubric.criteria.exists():
        return rubric
    for pos, (fr, en, maximum, dfr, den) in enumerate(RUBRIC):
        c = RubricCriterion.objects.create(rubric=rubric, position=pos, title_fr=fr, title_en=en,
                                           description_fr=dfr, description_en=den)
        for lpos, (lfr, len_, share, dlfr, dlen) in enumerate(LEVELS):
            RubricLevel.objects.create(criterion=c, position=lpos, label_fr=lfr, label_en=len_,
                                       descriptor_fr=dlfr, descriptor_en=dlen, points=maximum * share)
    return rubric


def seed_certification(cats, rubric):
    exam, _ = Exam.objects.update_or_create(slug="fsr-audio-engineer", defaults={
        "title_fr": "Examen Audio Engineer — Flow Stage Ready", "title_en": "Audio Engineer exam — Flow Stage Ready",
        "instructions_fr": ("30 questions tirées au hasard (son live, son studio, métier et sécurité), 45 minutes. "
                            "Vos réponses sont enregistrées automatiquement ; vous pouvez fermer l'onglet et reprendre."),
        "instructions_en": ("30 questions drawn at random (live sound, studio sound, craft and safety), 45 minutes. "
                            "Your answers are saved as you go; you may close the tab and come back."),
        "theory_weight": Decimal(60), "practical_weight": Decimal(40), "pass_mark": Decimal(75),
        "rubric": rubric, "time_limit_minutes": 45, "max_attempts": 3, "wait_between_attempts": timedelta(days=7),
        "grace_seconds": 30,
    })
    for cat in cats.values():
        ExamRandomDraw.objects.update_or_create(exam=exam, category=cat, defaults={"count": 10})
    prep = None
    try:
        from courses.models import CoursePage

        prep = CoursePage.objects.filter(code="AUDIO-FSR-PREP", locale__language_code="fr").first() \
            or CoursePage.objects.filter(code="AUDIO-FSR-PREP").first()
    except Exception:  # courses not migrated / no locale: the link stays empty
        prep = None
    cert, _ = Certification.objects.update_or_create(code=CERT_CODE, defaults={
        "name_fr": "Audio Engineer — Flow Stage Ready", "name_en": "Audio Engineer — Flow Stage Ready",
        "description_fr": ("La certification professionnelle Flow Stage des ingénieurs du son : 20 h de module technique, "
                           "10 h de module business, 8 h d'évaluation pratique. Examen théorique (60 %) et évaluation "
                           "pratique (40 %), validation à 75 %. Badge numérique signé et profil Flow Stage."),
        "description_en": ("Flow Stage's professional certification for sound engineers: 20 h technical module, 10 h "
                           "business module, 8 h practical evaluation. Theory exam (60 %) and practical evaluation "
                           "(40 %), pass at 75 %. Signed digital badge and Flow Stage profile."),
        "exam": exam, "price": Decimal("149.00"), "preparation_course": prep,
    })
    return cert


def _demo_student(email, first, last, cohort):
    from lms.accounts.demo import demo_user
    from partnerships.models import CohortMembership

    user = demo_user(email, first, last, "student")
    CohortMembership.objects.get_or_create(cohort=cohort, user=user)
    return user


def _sit(cert, user, examiner, right_share: float, levels: list[int], days_ago: int):
    """One graded attempt: `right_share` of the theory answered right, rubric levels per criterion."""
    exam = cert.exam
    if Attempt.objects.filter(exam=exam, user=user).exists():
        return Attempt.objects.filter(exam=exam, user=user).first()
    Registration.objects.get_or_create(certification=cert, user=user, defaults={
        "fee": cert.price, "registered_at": timezone.now() - timedelta(days=days_ago + 10),
        "prerequisites": [{"code": c, "met": True, "reason": "demo record", "exempted": False}
                          for c in ("curriculum", "experience", "software", "portfolio")]})
    start = timezone.now() - timedelta(days=days_ago)
    attempt = services.start_attempt(exam, user, now=start)
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    n_right = round(len(rows) * right_share)
    for i, aq in enumerate(rows):
        v = aq.version
        if i < n_right:
            response = grading.right_response(v.qtype, v.key)
        elif v.qtype in ("single", "multiple"):
            wrong = next(c["id"] for c in v.key["choices"] if grading.to_decimal(c["fraction"]) <= 0)
            response = {"choice": wrong} if v.qtype == "single" else {"choices": [wrong]}
        else:
            continue
        aq.attempt = attempt
        # Sent as the candidate's client would: in the attempt's option tokens.
        services.save_answer(attempt.pk, user, aq.pk, options.to_client(aq, response),
                             now=start + timedelta(minutes=1 + i))
    services.submit_attempt(attempt, now=start + timedelta(minutes=40))
    rubric = exam.rubric
    chosen = {}
    for c, lv in zip(rubric.criteria.order_by("position"), levels):
        chosen[str(c.pk)] = str(c.levels.order_by("position")[lv].pk)
    services.score_practical(attempt, examiner, chosen, {}, "Évaluation pratique du " + f"{start:%d/%m/%Y}",
                             sign_off=True, now=start + timedelta(days=2))
    attempt.refresh_from_db()
    return attempt


def _follow_cohort_enrolments(cohort):
    """Lucas and Emma join Marie's cohort: enrol them where the cohort is enrolled (keeps seeding idempotent)."""
    try:
        from courses import services as course_services
        from courses.models import Enrolment
    except ImportError:  # courses not installed
        return
    for e in Enrolment.objects.filter(cohort=cohort).select_related("course", "enrolled_by").order_by("pk"):
        if e.enrolled_by is not None:
            course_services.enrol_cohort(cohort, e.course, e.enrolled_by)


def seed(out):
    from lms.accounts.models import User
    from partnerships.models import Cohort

    cats = seed_bank()
    rubric = seed_rubric()
    cert = seed_certification(cats, rubric)
    Group.objects.get_or_create(name="student")
    marie = User.objects.filter(email="marie.dubois@demo.flowstage.test").first()
    examiner = User.objects.filter(email="examiner@demo.flowstage.test").first()
    staff = User.objects.filter(email="staff@demo.flowstage.test").first()
    note = ""
    if marie is not None and examiner is not None:
        cohort = Cohort.objects.filter(memberships__user=marie).order_by("-graduation_year").first()
        lucas = _demo_student("lucas.martin@demo.flowstage.test", "Lucas", "Martin", cohort)
        emma = _demo_student("emma.petit@demo.flowstage.test", "Emma", "Petit", cohort)
        _follow_cohort_enrolments(cohort)
        a1 = _sit(cert, lucas, examiner, 0.9, [3, 2, 3], days_ago=20)
        a2 = _sit(cert, emma, examiner, 0.5, [1, 1, 2], days_ago=18)
        note = (f"; Lucas Martin {a1.final_pct:.1f} % ({'passed' if a1.passed else 'failed'}), "
                f"Emma Petit {a2.final_pct:.1f} % ({'passed' if a2.passed else 'failed'})")
        if staff is not None:
            # Marie's internships add up to about 2 months; her festival crew work is attested by the school.
            missing = [r.code for r in services.prerequisite_status(cert, marie) if not r.met]
            for code in missing:
                if code == "experience":
                    PrerequisiteExemption.objects.get_or_create(
                        certification=cert, user=marie, prerequisite=code, defaults={
                            "reason": "Régie son du Festival des écoles 2026 attestée par La Fémis (équivalent 1 mois).",
                            "granted_by": staff})
    out.write(f"  exams: {Question.objects.count()} bank questions, certification {cert.name}, rubric v{rubric.version}{note}")
