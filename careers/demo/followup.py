"""Demo of the follow-up during the internship (idempotent, called at the end of ``careers.demo.seed``):

- Marie's internship at Sonotec Live, in progress and past its midpoint, with the mid-term evaluation submitted by
  her tutor (Jean, the employer login) and a dozen professional contacts;
- an internship at Studio Canopée before its midpoint (no evaluation yet);
- an internship at Lumière & Scène past its midpoint whose evaluation is pending: link sent, one reminder;
- the agreement of the application Studio Canopée accepted (``offers.seed_applications``), awaiting signatures: the
  student signed, the host organisation has not yet.

Each goes through the services like real ones: an offer (French law checked on the day it was posted), an
application, its acceptance, the agreement completed by the school's referent and signed in turn. Dates are
relative to today, so the demo stays "in progress" whenever it is loaded.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from lms.accounts.models import User

from .. import followup, law, selectors, services
from ..models import Agreement, Application, MidtermEvaluation, Offer, ProfessionalContact
from .offers import EMPLOYER_LOGIN, MARIE, _working_start

REFERENT = "school@demo.flowstage.test"

# student e-mail, employer slug, title, days since the start, months, tutor (name, role, e-mail or the employer
# login), objectives, what happens to the evaluation ("submitted", "pending", None: before the midpoint)
PLACEMENTS = [
    (MARIE, "sonotec-live", "Assistante son façade — saison d'automne", 75, 3,
     ("Jean Martin", "Ingénieur façade", EMPLOYER_LOGIN),
     [("Mixer la façade d'une première partie seule", "trois premières parties mixées sans le tuteur"),
      ("Câbler et patcher un plateau rock", "un patch complet de 48 voies vérifié par le tuteur"),
      ("Caler un système de diffusion", "un calage Smaart présenté au tuteur"),
      ("Préparer une fiche technique", "deux fiches techniques validées par le régisseur")], "submitted"),
    ("lafemis.2027.sound.05@demo.flowstage.test", "studio-canopee", "Assistant·e studio — automne", 10, 3,
     ("Claire Benoît", "Ingénieure du son", "claire.benoit@studio-canopee.example"),
     [("Installer une session d'enregistrement", "trois sessions installées seules"),
      ("Éditer des prises", "une séance d'édition validée")], None),
    ("lafemis.2027.sound.06@demo.flowstage.test", "lumiere-scene", "Assistant·e régie — automne", 60, 3,
     ("Marc Lefèvre", "Régisseur général", "marc.lefevre@lumiere-scene.example"),
     [("Monter un plan de feux", "deux plans montés avec l'équipe"),
      ("Conduire une régie lumière", "une représentation conduite")], "pending"),
]

CONTACTS = [  # Marie's dozen contacts during her internship: name, role, organisation, how met, days after start
    ("Léa Roux", "Régisseuse générale", "Le Trabendo", "internship", 3),
    ("Karim Haddad", "Ingénieur retours", "Sonotec Live", "internship", 5),
    ("Sophie Nguyen", "Backliner", "Sonotec Live", "internship", 9),
    ("Thomas Lambert", "Ingénieur façade", "La Cigale", "event", 14),
    ("Inès Moreau", "Directrice de production", "Échos du Sud", "event", 18),
    ("Julien Petit", "Technicien système", "L-Acoustics (démonstration)", "event", 22),
    ("Camille Fournier", "Tour manager", "Les Ogres de Barback", "internship", 27),
    ("Hugo Bernard", "Chef électricien", "Arena Nord Events", "introduced", 33),
    ("Nadia Benali", "Programmatrice", "Le Trabendo", "event", 39),
    ("Antoine Girard", "Ingénieur du son studio", "Studio Canopée", "introduced", 46),
    ("Manon Leroy", "Chargée de production", "Sonotec Live", "internship", 52),
    ("Yann Le Gall", "Régisseur son", "Festival Échos du Sud", "online", 60),
]


def _offer(employer, by, title, start, end, tutor, posted):
    existing = Offer.objects.filter(employer=employer, title=title).first()
    if existing is not None:
        return existing
    data = services.OfferData(
        kind="internship", title=title, specialisation="sound", sector="live", postcode="75011", city="Paris",
        start_date=start, end_date=end, pay_monthly=Decimal("720"), weekly_hours=Decimal("35"),
        tutor_name=tutor[0], tutor_role=tutor[1], tutor_years=10, expires_on=start - datetime.timedelta(days=7),
        description="Stage de la saison d'automne (démonstration du suivi pendant le stage).")
    offer = services.save_offer(employer, data, by=by, day=posted)
    return services.publish_offer(offer, by=by, day=posted)


def _agreement(out, spec, today, referent, employer_login) -> Agreement | None:
    from partnerships.models import Employer

    email, slug, title, days, months, tutor, objectives, _stage = spec
    student = User.objects.filter(email=email).first()
    employer = Employer.objects.filter(slug=slug).first()
    if student is None or employer is None:
        return None
    existing = Agreement.objects.filter(application__student=student, application__offer__title=title).first()
    if existing is not None:
        return existing
    by = employer_login if slug == "sonotec-live" and employer_login else employer.members.first()
    if by is None:  # an employer without staff on the platform: Flow Stage's staff act for it, as in the offers demo
        by = User.objects.filter(email="staff@demo.flowstage.test").first()
        if by is None:
            return None
        employer.members.add(by)
    start = _working_start(today - datetime.timedelta(days=days))
    end = law.add_months(start, months) - datetime.timedelta(days=1)
    while end.weekday() >= 5:
        end -= datetime.timedelta(days=1)
    posted = start - datetime.timedelta(days=45)
    try:
        offer = _offer(employer, by, title, start, end, tutor, posted)
        app = Application.objects.filter(offer=offer, student=student).first() or services.apply(
            offer, student, message="Bonjour, ce stage correspond à mon projet.", consent_parts=["skills"],
            day=posted)
        if app.status != Application.Status.ACCEPTED:
            services.decide(app, by=by, action="accept", day=posted)
        agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
        tutor_email = employer_login.email if tutor[2] == EMPLOYER_LOGIN and employer_login else tutor[2]
        terms = services.AgreementTerms(
            activities="Assistance technique sur les productions de la saison.",
            objectives=tuple({"objective": o, "measure": m} for o, m in objectives),
            start_date=start, end_date=end, weekly_hours=Decimal("35"), presence_days=(0, 1, 2, 3, 4),
            monthly_pay=Decimal("720"), pay_terms="Gratification mensuelle, versée le dernier jour du mois.",
            tutor_name=tutor[0], tutor_role=tutor[1], tutor_email=tutor_email,
            absence_terms="Absences justifiées prévenues au tuteur et au référent.", insurer="MAIF",
            insurance_policy="RC-2026-FEMIS", leave_days=2, ects_credits=Decimal(2 * months))
        agreement = services.update_agreement(agreement, terms, by=referent)
        services.sign_agreement(agreement, by=student, party="student")
        services.sign_agreement(agreement, by=by, party="employer")
        services.sign_agreement(agreement, by=referent, party="school")
    except services.CareersError as exc:
        out.write(f"  (follow-up demo: {title} not set up: {exc.english})")
        return None
    return Agreement.objects.get(pk=agreement.pk)


AWAITING = ("lafemis.2027.sound.01@demo.flowstage.test", "Assistant·e ingénieur·e studio")


def _awaiting_signatures(out, referent) -> Agreement | None:
    """The agreement of an accepted application, completed by the referent and signed by the student only."""
    email, title = AWAITING
    app = (Application.objects.filter(student__email=email, offer__title=title, status=Application.Status.ACCEPTED)
           .select_related("offer").first())
    if app is None:
        return None
    agreement = Agreement.objects.filter(application=app).first()
    if agreement is not None:
        return agreement
    offer = app.offer
    try:
        agreement = services.create_agreement(app, by=referent)
        agreement = services.update_agreement(agreement, services.AgreementTerms(
            activities="Installation des sessions, édition, assistanat aux mixages d'album.",
            objectives=({"objective": "Installer une session d'enregistrement", "measure": "trois sessions installées seul·e"},
                        {"objective": "Éditer des prises", "measure": "une séance d'édition validée par l'ingénieur"}),
            start_date=offer.start_date, end_date=offer.end_date, weekly_hours=offer.weekly_hours,
            presence_days=(0, 1, 2, 3, 4), monthly_pay=app.monthly_pay or offer.pay_monthly,
            pay_terms="Gratification mensuelle, versée le dernier jour du mois.", tutor_name=offer.tutor_name,
            tutor_role=offer.tutor_role, absence_terms="Absences justifiées prévenues au tuteur et au référent.",
            insurer="MAIF", insurance_policy="RC-2026-FEMIS", leave_days=2, ects_credits=Decimal("6")),
            by=referent)
        services.sign_agreement(agreement, by=app.student, party="student")
    except services.CareersError as exc:
        out.write(f"  (follow-up demo: no agreement awaiting signatures: {exc.english})")
        return None
    return agreement


def seed(out, today: datetime.date | None = None):
    today = today or selectors.today()
    referent = User.objects.filter(email=REFERENT).first()
    employer_login = User.objects.filter(email=EMPLOYER_LOGIN).first()
    if referent is None:
        return
    _awaiting_signatures(out, referent)
    agreements = {}
    for spec in PLACEMENTS:
        agreements[spec[0]] = (_agreement(out, spec, today, referent, employer_login), spec[-1])
    followup.open_midterm_evaluations(today)  # the daily task, as it ran at their midpoints
    for agreement, stage in agreements.values():
        if agreement is None or stage is None:
            continue
        ev = MidtermEvaluation.objects.filter(agreement=agreement).first()
        if ev is None or ev.status != MidtermEvaluation.Status.PENDING:
            continue
        if stage == "submitted" and employer_login is not None:
            followup.submit_by_account(agreement, followup.EvaluationInput(
                objectives=(("acquired", "Trois premières parties mixées seule, propres et dans les temps."),
                            ("acquired", "Patch rigoureux, étiquetage impeccable."),
                            ("in_progress", "Bonne méthode ; doit gagner en autonomie sur les mesures."),
                            ("not_yet", "À faire sur la tournée de décembre.")),
                behaviour=("acquired", "Ponctuelle, attentive à la sécurité, très appréciée des équipes."),
                skills=("in_progress", "Solide au patch, l'oreille progresse vite en façade.")), by=employer_login)
        elif stage == "pending" and ev.reminders == 0:
            MidtermEvaluation.objects.filter(pk=ev.pk).update(sent_at=timezone.now() - datetime.timedelta(days=9))
            followup.send_midterm_reminders()
    marie = agreements.get(MARIE, (None, None))[0]
    if marie is not None:
        for name, role, organisation, how, after in CONTACTS:
            met_on = min(marie.start_date + datetime.timedelta(days=after), today)
            if not ProfessionalContact.objects.filter(student=marie.application.student, name=name).exists():
                followup.save_contact(marie.application.student, followup.ContactData(
                    name=name, role=role, organisation=organisation, how_met=how, met_on=met_on,
                    on_profile=after % 2 == 1), today=today)
    made = sum(1 for a, _s in agreements.values() if a is not None)
    out.write(f"  follow-up: {made} internships in progress, "
              f"{MidtermEvaluation.objects.filter(status='submitted').count()} mid-term evaluations submitted, "
              f"{MidtermEvaluation.objects.filter(status='pending').count()} pending; "
              f"{ProfessionalContact.objects.count()} professional contacts")
