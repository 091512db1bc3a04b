"""Demo placement figures (idempotent; a step of ``manage.py seed_demo`` after ``careers.demo``).

- La Fémis' 2025 sound promotion (graduated 30 June 2025, 16 alumni): each did a three-month internship in spring 2025
  at one of the demo employers (historical placements, written as the records they left, like ``lms.demo_history``);
  their outcomes after the internship and the six-month survey's answers (sent 30 December 2025), so that conversion
  and employment within six months have real numerators and denominators.
- La Fémis' 2026 cinema promotion: graduated on 30 June 2026, a few outcomes already declared; its survey is due.
- Net-promoter answers for the modules La Fémis' students completed and for the 2025 internships.
- Service requests of La Fémis (premium): a workshop delivered, an expert talk scheduled, a faculty training asked.
"""
from __future__ import annotations

import datetime
import hashlib
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from lms.accounts import roles
from lms.accounts.models import User
from partnerships import entitlements as E
from partnerships.models import Cohort, CohortMembership, Employer, Programme, School, ServiceRequest

from .. import outcomes
from ..models import (
    Agreement, AgreementSignature, Application, Offer, Outcome, OutcomeSurvey, Party, SatisfactionAnswer,
)

SCHOOL = "La Fémis"
ALUMNI = 16
FIRST = ["Léa", "Hugo", "Chloé", "Nathan", "Inès", "Lucas", "Manon", "Théo", "Camille", "Enzo", "Sarah", "Louis",
         "Jade", "Gabriel", "Zoé", "Raphaël"]
LAST = ["Martin", "Bernard", "Petit", "Robert", "Richard", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
        "Michel", "Garcia", "David", "Bertrand", "Roux"]
# per alumnus: host employer slug, outcome after the internship, outcome after graduation (status, employer slug or
# name, months after graduation)
PATHS = [
    ("sonotec-live", "cdd", ("cdi", "sonotec-live", 2)), ("sonotec-live", "cdd", ("cdd", "sonotec-live", 1)),
    ("studio-canopee", "searching", ("freelance", "Intermittent du spectacle", 3)),
    ("festival-echos-du-sud", "cdd", ("cdd", "festival-echos-du-sud", 0)),
    ("arena-nord-events", "searching", ("cdi", "arena-nord-events", 5)),
    ("radio-onde-claire", "searching", ("study", "Master Son — CNSMD Lyon", 2)),
    ("theatre-des-lucioles", "cdd", ("freelance", "Intermittent du spectacle", 1)),
    ("sonotec-live", "searching", ("searching", "", 6)),
    ("atelier-9", "cdd", ("cdi", "atelier-9", 4)),
    ("studio-canopee", "searching", ("cdd", "Studio Ferber", 3)),
    ("festival-echos-du-sud", "searching", ("freelance", "Intermittent du spectacle", 2)),
    ("arena-nord-events", "cdd", ("cdd", "arena-nord-events", 2)),
    ("radio-onde-claire", "searching", ("searching", "", 6)),
    ("lumiere-scene", "searching", ("cdi", "Philharmonie de Paris", 8)),  # hired after the six months
    ("theatre-des-lucioles", "searching", None),  # never answered
    ("sonotec-live", "searching", ("cdi", "sonotec-live", 4)),
]
SCORES_INTERNSHIP = [10, 9, 9, 8, 10, 7, 9, 6, 10, 8, 9, 9, 7, 5, 9, 10]
PASSWORDLESS = "!"


def _alumni(femis) -> tuple[Cohort, list[User]]:
    programme, _ = Programme.objects.get_or_create(school=femis, name="Ingénieur Son",
                                                   defaults={"domain": "sound", "degree_level": 3})
    cohort, _ = Cohort.objects.get_or_create(programme=programme, graduation_year=2025,
                                             defaults={"label": "Promo", "graduation_date": datetime.date(2025, 6, 30)})
    group = Group.objects.get_or_create(name=roles.STUDENT)[0]
    users = []
    for i in range(ALUMNI):
        email = f"alumni.femis.2025.{i + 1:02d}@demo.flowstage.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=FIRST[i], last_name=LAST[i], display_name=f"{FIRST[i]} {LAST[i]}",
                        preferred_language="en" if i % 5 == 4 else "fr")
            user.set_unusable_password()
            # half of them still come back to the platform (alumni retention)
            user.last_login = timezone.now() - datetime.timedelta(days=3 + 9 * i) if i % 2 == 0 else None
            user.save()
            user.groups.add(group)
        CohortMembership.objects.get_or_create(cohort=cohort, user=user)
        users.append(user)
    return cohort, users


def _placement(user, employer, i, femis) -> Agreement:
    """A spring-2025 internship that happened: the offer (filled), the accepted application, the agreement signed by
    the three parties."""
    start = datetime.date(2025, 3, 3)
    end = datetime.date(2025, 5, 30)
    existing = Agreement.objects.filter(application__student=user, start_date=start).first()
    if existing:
        return existing
    offer = Offer.objects.create(
        employer=employer, kind="internship", title="Assistant son (stage de fin d'études)", specialisation="sound",
        sector="live", postcode="75011", city=employer.city or "Paris", start_date=start, end_date=end,
        weekly_hours=Decimal("35"), pay_monthly=Decimal("659.76"), tutor_name="Tuteur " + employer.name,
        places=1, status=Offer.Status.FILLED, expires_on=datetime.date(2025, 2, 1))
    created = timezone.make_aware(datetime.datetime(2025, 1, 10 + i % 15, 10, 0))
    app = Application.objects.create(offer=offer, student=user, message="Candidature (promotion 2025).",
                                     status=Application.Status.ACCEPTED, consent_parts=["skills"],
                                     consent_given_at=created, score=Decimal("80"), decided_at=created,
                                     monthly_pay=Decimal("659.76"))
    agreement = Agreement.objects.create(
        application=app, school=femis, kind="internship", status=Agreement.Status.SIGNED,
        activities="Assistanat son en exploitation.", objectives=["Installer et câbler un plateau (checklist)"],
        start_date=start, end_date=end, weekly_hours=Decimal("35"), presence_days=[0, 1, 2, 3, 4],
        monthly_pay=Decimal("659.76"), pay_terms="Gratification mensuelle légale.", tutor_name=offer.tutor_name,
        absence_terms="Selon la convention.", insurer="MAIF", insurance_policy="DEMO-2025")
    digest = hashlib.sha256(f"demo-agreement-{agreement.pk}".encode()).hexdigest()
    for k, party in enumerate((Party.STUDENT, Party.EMPLOYER, Party.SCHOOL)):
        AgreementSignature.objects.create(agreement=agreement, party=party, signer_name=str(user) if k == 0 else party,
                                          document_hash=digest, signed_at=created + datetime.timedelta(days=k + 1))
    return agreement


def _outcome(user, cohort, femis, stage, status, employer_name, employer, started_on, source, agreement=None):
    o, _ = Outcome.objects.get_or_create(
        student=user, stage=stage, defaults={"school": femis, "cohort": cohort, "status": status,
                                             "employer_name": employer_name, "employer": employer,
                                             "started_on": started_on, "source": source, "agreement": agreement})
    return o


def seed(out):
    femis = School.objects.filter(name=SCHOOL).first()
    if femis is None:
        out.write("  outcomes: no La Fémis, skipped")
        return
    employers = {e.slug: e for e in Employer.objects.all()}
    cohort, alumni = _alumni(femis)
    graduated = cohort.graduated_on
    survey_sent = timezone.make_aware(datetime.datetime.combine(outcomes.survey_due_on(graduated), datetime.time(9)))
    for i, (user, (host, after_internship, after_graduation)) in enumerate(zip(alumni, PATHS)):
        employer = employers.get(host) or next(iter(employers.values()))
        with transaction.atomic():
            agreement = _placement(user, employer, i, femis)
            _outcome(user, cohort, femis, Outcome.Stage.AFTER_PLACEMENT, after_internship,
                     employer.name if after_internship in outcomes.EMPLOYED else "",
                     employer if after_internship in outcomes.EMPLOYED else None, datetime.date(2025, 6, 2),
                     Outcome.Source.STUDENT, agreement if after_internship in outcomes.EMPLOYED else None)
            survey, _ = OutcomeSurvey.objects.get_or_create(student=user, cohort=cohort,
                                                            defaults={"sent_at": survey_sent})
            if after_graduation is not None:
                status, who, months = after_graduation
                partner = employers.get(who)
                started = outcomes.add_months(graduated, months)
                o = _outcome(user, cohort, femis, Outcome.Stage.AFTER_GRADUATION, status,
                             partner.name if partner else who, partner, started, Outcome.Source.SURVEY)
                if survey.answered_at is None:
                    survey.answered_at, survey.outcome = survey_sent + datetime.timedelta(days=1 + i % 9), o
                    survey.save(update_fields=["answered_at", "outcome"])
            elif survey.reminded_at is None:
                survey.reminded_at = survey_sent + datetime.timedelta(days=outcomes.REMINDER_AFTER_DAYS)
                survey.save(update_fields=["reminded_at"])
            SatisfactionAnswer.objects.get_or_create(
                student=user, agreement=agreement,
                defaults={"subject": SatisfactionAnswer.Subject.INTERNSHIP, "score": SCORES_INTERNSHIP[i],
                          "answered_at": timezone.make_aware(datetime.datetime(2025, 6, 5, 12))})

    # the 2026 cinema promotion: graduated, a few students already said where they are
    cinema = Cohort.objects.filter(programme__school=femis, graduation_year=2026).first()
    if cinema is not None:
        for k, m in enumerate(CohortMembership.objects.filter(cohort=cinema).select_related("user").order_by("pk")[:6]):
            status = ["cdd", "freelance", "searching", "cdi", "study", "freelance"][k]
            _outcome(m.user, cinema, femis, Outcome.Stage.AFTER_GRADUATION, status,
                     "" if status == "searching" else ["Atelier 9 Post-production", "Intermittent du spectacle", "",
                                                       "Atelier 9 Post-production", "La Fémis (3e cycle)",
                                                       "Intermittent du spectacle"][k],
                     employers.get("atelier-9") if k in (0, 3) else None, datetime.date(2026, 9, 1 + k),
                     Outcome.Source.STUDENT)

    # modules completed by La Fémis' students: their "would you recommend it?" answers
    from courses.models import Enrolment

    rng = random.Random(12)
    done = (Enrolment.objects.filter(completed_at__isnull=False, user__cohort_memberships__cohort__programme__school=femis)
            .select_related("course").order_by("pk").distinct()[:60])
    for e in done:
        SatisfactionAnswer.objects.get_or_create(
            student_id=e.user_id, course_id=e.course_id,
            defaults={"subject": SatisfactionAnswer.Subject.MODULE, "answered_at": e.completed_at,
                      "score": rng.choice([10, 9, 9, 8, 8, 7, 10, 9, 6, 9])})

    # services La Fémis' premium tier grants, delivered off the platform
    staff = User.objects.filter(email="staff@demo.flowstage.test").first()
    school_staff = User.objects.filter(email="school@demo.flowstage.test").first()
    today = timezone.localdate()
    for code, status, wished, scheduled, delivered, note in [
        (E.CAREER_WORKSHOPS, ServiceRequest.Status.DELIVERED, today - datetime.timedelta(days=40),
         today - datetime.timedelta(days=38), today - datetime.timedelta(days=38), "Atelier CV et entretiens, L3 Son."),
        (E.EXPERT_TALKS, ServiceRequest.Status.SCHEDULED, today + datetime.timedelta(days=20),
         today + datetime.timedelta(days=22), None, "Intervention d'un ingénieur façade en tournée."),
        (E.FACULTY_TRAINING, ServiceRequest.Status.REQUESTED, today + datetime.timedelta(days=60), None, None,
         "Formation des enseignants au module « Sonorisation live »."),
    ]:
        ServiceRequest.objects.get_or_create(
            school=femis, entitlement=code,
            defaults={"status": status, "wished_on": wished, "scheduled_on": scheduled, "delivered_on": delivered,
                      "note": note, "requested_by": school_staff, "handled_by": staff if scheduled else None})
    n_out = Outcome.objects.filter(school=femis).count()
    n_nps = SatisfactionAnswer.objects.count()
    out.write(f"  outcomes: {len(alumni)} alumni of {cohort}, {n_out} outcomes, {n_nps} satisfaction answers, "
              f"{ServiceRequest.objects.filter(school=femis).count()} service requests")
