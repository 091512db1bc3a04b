"""Demo stage 3, the end of an internship: a La Fémis student's internship of last season at Sonotec Live, completed
(agreement signed, final report evaluated, graded and co-signed, 6 ECTS on the transcript, the internship's
credential). Its offer is titled "Technicien son façade" so that nothing in the demo shares a title with the brief's
card ("Assistant Ingénieur FOH", still open, that Marie ranks first) or with Marie's current internship."""
from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from lms.accounts.models import User
from partnerships.models import Employer

from .. import selectors, services
from ..models import Agreement, Application, Offer
from .offers import EMPLOYER_LOGIN, OFFERS, _demo_year, _offer_data

COMPLETED_STUDENT = "lafemis.2027.sound.03@demo.flowstage.test"
COMPLETED_TITLE = "Technicien son façade"
COMPLETED_OBJECTIVES = (
    {"objective": "Mixer la façade d'un concert seul", "measure": "trois concerts mixés sans le tuteur"},
    {"objective": "Câbler et patcher un plateau", "measure": "un patch complet vérifié par le tuteur"},
    {"objective": "Caler un système de diffusion", "measure": "un calage Smaart documenté"},
)


def seed(out, today: datetime.date | None = None):
    """A La Fémis student's internship of last season at Sonotec Live ("Technicien son façade", 3 months, 6 ECTS):
    the agreement signed by the three parties, the final report evaluated by Jean Martin (the tutor), the student's
    report, the referent's grade, co-signed: the ECTS on the transcript and the internship's credential. Idempotent."""
    from django.core.files.base import ContentFile

    from partnerships import access

    from .. import reports
    from ..models import FinalReport

    student = User.objects.filter(email=COMPLETED_STUDENT).first()
    jean = User.objects.filter(email=EMPLOYER_LOGIN).first()
    isabelle = User.objects.filter(email="school@demo.flowstage.test").first()
    employer = Employer.objects.filter(slug="sonotec-live").first()
    if None in (student, jean, isabelle, employer):
        out.write("  (no completed internship: a demo user is missing)")
        return
    if FinalReport.objects.filter(agreement__application__student=student, status=FinalReport.Status.LOCKED).exists():
        return
    today = today or selectors.today()
    year = _demo_year(today) - 1
    past = datetime.date(year, 3, 2)
    spec = next(sp for sp in OFFERS if sp[0] == "sonotec-live" and sp[2] == "Assistant Ingénieur FOH")
    data = dataclasses.replace(_offer_data(spec, year, past, {}, None), title=COMPLETED_TITLE)
    offer = Offer.objects.filter(employer=employer, title=data.title, end_date=data.end_date).first()
    if offer is None:
        offer = services.save_offer(employer, data, by=jean, day=past)
        offer = services.publish_offer(offer, by=jean, day=past)
    app = Application.objects.filter(offer=offer, student=student).first()
    if app is None:
        app = services.apply(offer, student, message="Bonjour, la façade est ce que je préfère.", day=past,
                             consent_parts=["academic", "skills", "experience"])
    if app.is_pending:
        services.decide(app, by=jean, action="accept", day=past)
    agreement = selectors.agreement_of_application(app.pk)
    if agreement is None:
        agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=isabelle)
    if agreement.status == Agreement.Status.DRAFT:
        agreement = services.update_agreement(agreement, services.AgreementTerms(
            activities="Assistance au mixage façade, câblage, calage du système, balances et exploitation.",
            objectives=COMPLETED_OBJECTIVES, start_date=offer.start_date, end_date=offer.end_date,
            weekly_hours=Decimal("35"), presence_days=(0, 1, 2, 3, 4), monthly_pay=offer.pay_monthly,
            pay_terms="Gratification mensuelle forfaitaire, versée le dernier jour du mois.",
            tutor_name=jean.get_display_name(), tutor_role="Ingénieur du son façade", tutor_email=jean.email,
            absence_terms="Absences justifiées prévenues au tuteur et au référent.", insurer="MAIF",
            insurance_policy="RC-FEMIS-2026", leave_days=3, ects_credits=Decimal("6")), by=isabelle,
            referent=isabelle if access.can_manage(isabelle, agreement.school_id) else None)
        signed = set(agreement.signatures.filter(voided_at__isnull=True).values_list("party", flat=True))
        for party, who in (("student", student), ("employer", jean), ("school", isabelle)):
            if party not in signed:
                services.sign_agreement(agreement, by=who, party=party)
        agreement = Agreement.objects.get(pk=agreement.pk)
    reports.evaluate(agreement, by=jean, evaluations=[
        {"met": True, "comment": "Trois concerts mixés seul au Trabendo, dont un complet."},
        {"met": True, "comment": "Patchs propres et documentés, vérifiés avant chaque balance."},
        {"met": False, "comment": "Calage fait avec moi ; à refaire seul·e sur une prochaine date."}],
        overall="Stagiaire fiable et curieux·se, à l'aise en façade dès le deuxième mois ; autonome sur le câblage.")
    reports.submit_student_report(agreement, by=student, file=ContentFile(
        b"%PDF-1.4\n% Rapport de stage - Sonotec Live\n", name="rapport-de-stage-sonotec.pdf"))
    reports.grade_report(agreement, by=agreement.referent or isabelle, grade="15.5")
    report = reports.current_report(agreement)
    live = set(report.signatures.filter(voided_at__isnull=True).values_list("role", flat=True))
    for role, who in (("tutor", jean), ("referent", agreement.referent or isabelle)):
        if role not in live:
            reports.sign_report(agreement, by=who, role=role)
    out.write(f"  careers: {student.get_display_name()}'s internship at Sonotec Live completed: report co-signed, "
              f"6 ECTS, credential issued")


