"""Demo data of careers (idempotent): nine employers and 31 offers across the brief's fields (sound, lighting,
image, stage, production, post-production, and the Flow Stage apprenticeship programme's four tracks), schools'
partners, referent and calendars, learning paths, Marie's and a few other students' search settings, applications in
every state, a priority offer.

Every offer goes through ``careers.services.save_offer``: French law is checked like for any employer. The brief's
own card — Sonotec Live's 3-month "Assistant Ingénieur FOH" at 600 €/month — is refused since 1 January 2026, and
the seed prints why before setting a legal amount.

Dates are relative to the next May (Marie looks for May–July), so the demo stays valid whenever it is loaded.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from badges.models import Achievement
from lms.accounts import services as account_services
from lms.accounts.models import AvailabilityPeriod, LanguageSkill, SectorPreference, Specialisation, StudentProfile, TargetRole, User
from partnerships.models import Employer, School

from .. import law, selectors, services
from ..models import (
    Agreement, Application, ApprenticeshipProgramme, CareerProfile, ContactRequest, LearningPath, Offer, PriorityPlacement,
    SchoolCalendar, SchoolCalendarDay, SchoolPartnerEmployer, SchoolReferent,
)

MARIE = "marie.dubois@demo.flowstage.test"
EMPLOYER_LOGIN = "employer@demo.flowstage.test"
AUDIO_CERT = "audio-engineer-flow-stage-ready"

EMPLOYERS = [
    # slug, name, city, website, description
    ("sonotec-live", "Sonotec Live", "Paris 11e", "https://sonotec-live.example",
     "Prestataire son live : salles de 1 000 à 5 000 places, rock et électro."),
    ("lumiere-scene", "Lumière & Scène", "Lyon", "https://lumiere-scene.example",
     "Conception et régie lumière pour le théâtre, la danse et les concerts."),
    ("studio-canopee", "Studio Canopée", "Montreuil", "https://studio-canopee.example",
     "Studio d'enregistrement et de mixage : albums, musique de film, podcasts."),
    ("radio-onde-claire", "Radio Onde Claire", "Paris 15e", "https://onde-claire.example",
     "Radio associative et studio de podcasts, captations en public."),
    ("festival-echos-du-sud", "Festival Échos du Sud", "Montpellier", "https://echos-du-sud.example",
     "Festival de musiques actuelles, 3 scènes, 40 000 festivaliers."),
    ("theatre-des-lucioles", "Théâtre des Lucioles", "Avignon", "https://lucioles.example",
     "Théâtre de création, 450 places, régie permanente."),
    ("atelier-9", "Atelier 9 Post-production", "Boulogne-Billancourt", "https://atelier9.example",
     "Montage, étalonnage et mixage pour le cinéma et les séries."),
    ("arena-nord-events", "Arena Nord Events", "Lille", "https://arena-nord.example",
     "Salle de 12 000 places : concerts, spectacles, événements."),
    ("flow-stage", "Flow Stage", "Paris 10e", "https://flowstage.example",
     "La plateforme des métiers du spectacle : réservation, production, communauté."),
]

# Offers: employer, kind, title, field, sector, genres, venue size, city, postcode, start (months after May of the
# demo year, day), months, weekly hours, pay, tutor (name, role, years), skills [(name, level, required, software)],
# languages [(language, level, required)], credentials [(achievement slug, required)], places, (programme track)
I, A = "internship", "apprenticeship"
OFFERS = [
    ("sonotec-live", I, "Assistant Ingénieur FOH", "sound", "live", ["rock", "electro"], "1k5k", "Paris 11e", "75011",
     (0, 1), 3, "35", "700", ("Jean Martin", "Ingénieur du son façade", 15),
     [("Mixage façade (FOH)", 4, True, False), ("Câblage et patch", 3, True, False),
      ("Calage de système", 3, False, False), ("Smaart", 3, False, True), ("Pro Tools", 3, False, True)],
     [("Anglais", "B1", True)], [(AUDIO_CERT, False)], 1, None),
    ("sonotec-live", I, "Technicien·ne retours", "sound", "live", ["rock", "pop"], "1k5k", "Paris 11e", "75011",
     (1, 1), 3, "35", "720", ("Nadia Benali", "Ingénieure retours", 11),
     [("Mixage retours", 4, True, False), ("Ears / IEM", 3, True, False), ("Câblage et patch", 3, False, False)],
     [("Anglais", "B2", False)], [], 2, None),
    ("sonotec-live", I, "Assistant·e système et calage", "sound", "live", ["electro"], "5k15k", "Paris 11e", "75011",
     (4, 1), 4, "35", "750", ("Jean Martin", "Ingénieur du son façade", 15),
     [("Calage de système", 4, True, False), ("Smaart", 4, True, True), ("Câblage et patch", 3, True, False)],
     [], [(AUDIO_CERT, True)], 1, None),
    ("sonotec-live", I, "Régisseur·se son de tournée", "production", "live", ["rock"], "1k5k", "Paris 11e",
     "75011", (4, 1), 6, "35", "800", ("Karim Haddad", "Directeur technique", 20),
     [("Régie son", 3, True, False), ("Gestion du backline", 3, True, False), ("Permis B", 1, True, False)],
     [("Anglais", "B2", True)], [], 1, None),
    ("lumiere-scene", I, "Assistant·e éclairagiste", "lighting", "theatre", ["theatre", "dance"], "lt1k", "Lyon",
     "69002", (0, 15), 3, "35", "700", ("Claire Dumas", "Éclairagiste", 12),
     [("Conception lumière", 3, True, False), ("DMX", 3, True, False), ("grandMA3", 2, False, True)],
     [], [], 1, None),
    ("lumiere-scene", I, "Pupitreur·se grandMA", "lighting", "live", ["electro", "pop"], "5k15k", "Lyon", "69002",
     (2, 1), 4, "35", "760", ("Hugo Perrin", "Pupitreur", 9),
     [("grandMA3", 4, True, True), ("DMX", 4, True, False), ("Art-Net / sACN", 3, False, False)],
     [("Anglais", "B1", False)], [], 1, None),
    ("lumiere-scene", I, "Technicien·ne LED et DMX", "lighting", "events", [], "lt1k", "Villeurbanne", "69100",
     (1, 1), 2, "35", "0", ("Hugo Perrin", "Pupitreur", 9),
     [("DMX", 3, True, False), ("Électricité scénique (habilitation)", 2, True, False)], [], [], 2, None),
    ("lumiere-scene", A, "Alternance technicien·ne lumière", "lighting", "theatre", ["theatre"], "lt1k", "Lyon",
     "69002", (4, 1), 12, "35", "950", ("Claire Dumas", "Éclairagiste", 12),
     [("DMX", 2, True, False), ("Électricité scénique (habilitation)", 2, True, False)], [], [], 1, None),
    ("studio-canopee", I, "Assistant·e ingénieur·e studio", "sound", "studio", ["pop", "jazz", "hiphop"], "studio",
     "Montreuil", "93100", (4, 1), 4, "35", "720", ("Léa Fontaine", "Ingénieure du son", 14),
     [("Prise de son studio", 4, True, False), ("Pro Tools", 4, True, True), ("Mixage", 3, False, False)],
     [("Anglais", "B1", False)], [(AUDIO_CERT, False)], 1, None),
    ("studio-canopee", I, "Assistant·e mixage musique de film", "post", "film", ["film", "classical"], "studio",
     "Montreuil", "93100", (1, 1), 3, "35", "700", ("Léa Fontaine", "Ingénieure du son", 14),
     [("Mixage", 4, True, False), ("Pro Tools", 4, True, True), ("Dolby Atmos", 2, False, False)], [], [], 1, None),
    ("studio-canopee", A, "Alternance assistant·e de studio", "sound", "studio", ["pop"], "studio", "Montreuil",
     "93100", (4, 1), 12, "35", "1000", ("Léa Fontaine", "Ingénieure du son", 14),
     [("Prise de son studio", 2, True, False), ("Logic Pro", 3, False, True)], [], [], 1, None),
    ("radio-onde-claire", I, "Technicien·ne réalisation radio", "sound", "broadcast", ["chanson"], "studio",
     "Paris 15e", "75015", (0, 15), 3, "35", "690", ("Samir Lopez", "Chef opérateur du son", 18),
     [("Prise de son", 3, True, False), ("Adobe Audition", 3, False, True)], [], [], 1, None),
    ("radio-onde-claire", I, "Assistant·e montage podcast", "post", "broadcast", [], "studio", "Paris 15e",
     "75015", (2, 1), 3, "28", "560", ("Samir Lopez", "Chef opérateur du son", 18),
     [("Montage son", 3, True, False), ("Reaper", 2, False, True)], [], [], 1, None),
    ("radio-onde-claire", I, "Stagiaire cadreur·se plateau TV", "image", "broadcast", [], "studio", "Paris 15e",
     "75015", (4, 1), 3, "35", "700", ("Inès Garcia", "Réalisatrice", 10),
     [("Cadrage", 3, True, False), ("Régie vidéo", 2, False, False)], [], [], 1, None),
    ("festival-echos-du-sud", I, "Assistant·e régie générale", "production", "festival", ["rock", "electro"],
     "gt15k", "Montpellier", "34000", (1, 1), 3, "35", "700", ("Paul Girard", "Régisseur général", 22),
     [("Régie générale", 3, True, False), ("Sécurité ERP", 2, True, False)], [("Anglais", "B1", False)], [], 2, None),
    ("festival-echos-du-sud", I, "Assistant·e plateau", "stage", "festival", ["rock", "world"], "gt15k",
     "Montpellier", "34000", (1, 15), 2, "35", "690", ("Paul Girard", "Régisseur général", 22),
     [("Changement de plateau", 2, True, False), ("Gestion du backline", 2, False, False)], [], [], 3, None),
    ("festival-echos-du-sud", I, "Stagiaire son scène B", "sound", "festival", ["rock", "electro", "world"], "5k15k",
     "Montpellier", "34000", (1, 15), 2, "35", "690", ("Mehdi Rahmani", "Ingénieur du son", 16),
     [("Mixage façade (FOH)", 3, True, False), ("Mixage retours", 3, False, False)], [], [], 1, None),
    ("festival-echos-du-sud", I, "Chargé·e de production junior", "production", "festival", [], "gt15k",
     "Montpellier", "34000", (4, 1), 6, "35", "780", ("Sophie Morel", "Directrice de production", 15),
     [("Budget de production", 3, True, False), ("Excel", 3, True, True)], [("Anglais", "B2", True)], [], 1, None),
    ("theatre-des-lucioles", I, "Régisseur·se lumière", "lighting", "theatre", ["theatre"], "lt1k", "Avignon",
     "84000", (1, 1), 3, "35", "690", ("Marc Aubert", "Régisseur lumière", 25),
     [("Conception lumière", 3, True, False), ("ETC Eos", 3, False, True), ("DMX", 3, True, False)], [], [], 1, None),
    ("theatre-des-lucioles", I, "Machiniste cintrier·e", "stage", "theatre", ["theatre"], "lt1k", "Avignon",
     "84000", (1, 1), 3, "35", "690", ("Marc Aubert", "Régisseur général", 25),
     [("Machinerie", 3, True, False), ("Accroche et levage", 2, True, False)], [], [], 1, None),
    ("theatre-des-lucioles", I, "Régisseur·se son théâtre", "sound", "theatre", ["theatre"], "lt1k", "Avignon",
     "84000", (0, 15), 3, "35", "690", ("Anne Leroy", "Régisseuse son", 13),
     [("Diffusion sonore", 3, True, False), ("QLab", 3, True, True), ("Câblage et patch", 3, False, False)],
     [], [], 1, None),
    ("atelier-9", I, "Assistant·e monteur·se", "post", "film", ["film"], "studio", "Boulogne-Billancourt", "92100",
     (4, 1), 6, "35", "800", ("Julien Roy", "Chef monteur", 17),
     [("Avid Media Composer", 3, True, True), ("DaVinci Resolve", 2, False, True)], [("Anglais", "B2", False)],
     [], 1, None),
    ("atelier-9", I, "Assistant·e étalonneur·se", "image", "post", ["film"], "studio", "Boulogne-Billancourt",
     "92100", (2, 1), 4, "35", "760", ("Camille Noël", "Étalonneuse", 11),
     [("DaVinci Resolve", 4, True, True), ("Colorimétrie", 3, True, False)], [], [], 1, None),
    ("atelier-9", I, "Assistant·e mixage 5.1", "sound", "post", ["film"], "studio", "Boulogne-Billancourt", "92100",
     (1, 1), 3, "35", "700", ("Julien Roy", "Mixeur", 17),
     [("Mixage", 4, True, False), ("Pro Tools", 4, True, True), ("Dolby Atmos", 3, False, False)],
     [], [(AUDIO_CERT, False)], 1, None),
    ("arena-nord-events", I, "Assistant·e technique arène", "stage", "live", ["pop", "rock"], "5k15k", "Lille",
     "59000", (0, 15), 3, "35", "700", ("Thomas Leclerc", "Directeur technique", 19),
     [("Accroche et levage", 3, True, False), ("Sécurité ERP", 2, True, False)], [], [], 2, None),
    ("arena-nord-events", I, "Assistant·e son arena", "sound", "live", ["pop", "rock", "electro"], "5k15k", "Lille",
     "59000", (0, 15), 3, "35", "700", ("Louis Caron", "Ingénieur système", 14),
     [("Mixage façade (FOH)", 3, True, False), ("Calage de système", 3, True, False), ("Smaart", 3, False, True)],
     [("Anglais", "B1", False)], [(AUDIO_CERT, False)], 1, None),
    ("arena-nord-events", I, "Régie vidéo et écrans LED", "image", "live", ["pop"], "5k15k", "Lille", "59000",
     (4, 1), 4, "35", "730", ("Élodie Martin", "Réalisatrice vidéo", 12),
     [("Régie vidéo", 3, True, False), ("Resolume", 2, False, True)], [], [], 1, None),
    ("flow-stage", A, "Alternance Tech — support technique événements", "tech", "events", [], "", "Paris 10e",
     "75010", (4, 1), 12, "35", "850", ("Antoine Blanc", "Responsable technique plateforme", 10),
     [("Informatique réseau", 2, True, False), ("Support utilisateurs", 2, False, False)], [("Anglais", "B1", False)],
     [], 2, "tech"),
    ("flow-stage", A, "Alternance Business Dev — partenariats salles", "business", "live", [], "", "Paris 10e",
     "75010", (4, 1), 12, "35", "850", ("Élise Lambert", "Directrice commerciale", 12),
     [("Prospection commerciale", 2, True, False), ("CRM", 2, False, True)], [("Anglais", "B2", True)], [], 1,
     "business"),
    ("flow-stage", A, "Alternance Operations — coordination d'événements", "production", "events", [], "",
     "Paris 10e", "75010", (4, 1), 12, "35", "850", ("Hugo Renard", "Responsable des opérations", 9),
     [("Régie générale", 2, True, False), ("Excel", 3, False, True)], [], [], 1, "operations"),
    ("flow-stage", A, "Alternance Creative — contenus vidéo et son", "post", "live", ["electro", "pop"], "",
     "Paris 10e", "75010", (4, 1), 12, "35", "850", ("Jade Vidal", "Directrice artistique", 8),
     [("Montage son", 3, True, False), ("Premiere Pro", 2, False, True), ("Photographie", 2, False, False)], [], [],
     1, "creative"),
]

LEARNING_PATHS = [
    ("Mixage façade (FOH)", "FC-FOH-01", None),
    ("Calage de système", "AUDIO-FSR-PREP", AUDIO_CERT),
    ("Smaart", "AUDIO-FSR-PREP", AUDIO_CERT),
    ("Mixage retours", "FC-FOH-01", None),
    ("grandMA3", "FC-LUM-01", None),
    ("DMX", "FC-LUM-01", None),
    ("Conception lumière", "FC-LUM-01", None),
    ("Gestion du backline", "AUDIO-FSR-PREP", AUDIO_CERT),
]

# Other students' search, so that their rankings differ from Marie's: e-mail, first, last, specialisations,
# skills {name: level}, software, target roles, sectors, availability (month offsets), postcode, mobility, genres
OTHERS = [
    ("ists.2027.lighting.01@demo.flowstage.test", ["Régie lumière", "Éclairage scénique"],
     {"Conception lumière": 3, "DMX": 4, "Électricité scénique (habilitation)": 3}, {"grandMA3": 3, "ETC Eos": 3},
     ["Régisseuse lumière", "Assistante éclairagiste"], ["theatre", "live"], (1, 4), "84000", "regional",
     ["theatre", "dance"]),
    ("eicar.2027.cinema.01@demo.flowstage.test", ["Image", "Étalonnage"],
     {"Cadrage": 4, "Colorimétrie": 3, "Régie vidéo": 2}, {"DaVinci Resolve": 4, "Premiere Pro": 3},
     ["Assistant étalonneur", "Cadreur"], ["film", "post", "broadcast"], (2, 8), "93200", "regional", ["film"]),
    ("lucas.martin@demo.flowstage.test", ["Sonorisation live"],
     {"Mixage façade (FOH)": 3, "Câblage et patch": 4, "Calage de système": 3}, {"Smaart": 3, "Pro Tools": 3},
     ["Assistant ingénieur son"], ["live"], (0, 3), "75018", "national", ["rock"]),
]


def _demo_year(today: datetime.date) -> int:
    return today.year if today.month < 5 else today.year + 1


def _start(year: int, offset: tuple[int, int]) -> datetime.date:
    months, day = offset
    return law.add_months(datetime.date(year, 5, day), months)


def _working_start(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def seed_employers():
    employers = {}
    for slug, name, city, website, description in EMPLOYERS:
        e = Employer.objects.filter(slug=slug).first() or Employer(slug=slug)
        e.name, e.city = name, city
        e.website = e.website or website
        e.description = e.description or description
        e.save()
        employers[slug] = e
    jean = User.objects.filter(email=EMPLOYER_LOGIN).first()
    if jean is not None:
        employers["sonotec-live"].members.add(jean)
    return employers


def _offer_data(spec, year, today, achievements, programme) -> services.OfferData:
    (slug, kind, title, field, sector, genres, venue, city, postcode, offset, months, weekly, pay, tutor, skills,
     langs, creds, places, track) = spec
    nominal = _start(year, offset)
    start = _working_start(nominal)
    end = law.add_months(nominal, months) - datetime.timedelta(days=1)
    if kind == I:
        while end.weekday() >= 5:  # an internship ends on a working day
            end -= datetime.timedelta(days=1)
    expires = max(min(start - datetime.timedelta(days=10), end), today + datetime.timedelta(days=14))
    return services.OfferData(
        kind=kind, title=title, specialisation=field, sector=sector, genres=tuple(genres), venue_size=venue, city=city,
        postcode=postcode, start_date=start, end_date=end, weekly_hours=Decimal(weekly), pay_monthly=Decimal(pay),
        tutor_name=tutor[0], tutor_role=tutor[1], tutor_years=tutor[2], places=places, expires_on=min(expires, end),
        description="", programme=programme if track else None, track=track or "",
        requirements=tuple(skills), languages=tuple(langs),
        credentials=tuple((achievements[s], r) for s, r in creds if s in achievements))


def seed_offers(out, employers, today):
    year = _demo_year(today)
    jean = User.objects.filter(email=EMPLOYER_LOGIN).first()
    staff = User.objects.filter(email="staff@demo.flowstage.test").first()
    programme = ApprenticeshipProgramme.objects.get(code="flow-stage-alternance")
    achievements = {a.slug: a for a in Achievement.objects.filter(certification__code=AUDIO_CERT)}
    audio = next(iter(achievements.values()), None)
    if audio is not None:
        achievements[AUDIO_CERT] = audio
    rates = selectors.legal_rates()
    offers = {}
    for spec in OFFERS:
        data = _offer_data(spec, year, today, achievements, programme)
        employer = employers[spec[0]]
        by = jean if spec[0] == "sonotec-live" and jean is not None else staff
        if spec[2] == "Assistant Ingénieur FOH":
            data = _brief_card_note(out, data, rates, today)
        existing = Offer.objects.filter(employer=employer, title=data.title).exclude(end_date__lt=today).first()
        if existing is not None and existing.status in (Offer.Status.FILLED, Offer.Status.CLOSED):
            offers[data.title] = existing
            continue
        offer = services.save_offer(employer, data, by=by, offer=existing, day=today)
        if offer.status == Offer.Status.DRAFT:
            offer = services.publish_offer(offer, by=by, day=today)
        offers[data.title] = offer
    return offers


def _brief_card_note(out, data: services.OfferData, rates, today) -> services.OfferData:
    """The brief's card pays 600 €/month for 3 months: say why the law refuses it, then pay the legal amount."""
    import dataclasses

    brief = law.OfferTerms(kind=data.kind, start=data.start_date, end=data.end_date, weekly_hours=data.weekly_hours,
                           pay_monthly=Decimal("600"), expires_on=data.expires_on)
    problems = law.check_internship(brief, rates)
    terms = law.internship_terms(data.start_date, data.end_date, data.weekly_hours, rates)
    if problems:
        out.write("  NOTE (French law): the brief's card — Sonotec Live, Assistant Ingénieur FOH, 3 months at 600 €/month"
                  " — would be refused: " + str(problems[0]))
        out.write(f"  → the demo offer pays {data.pay_monthly} €/month (legal minimum {terms.monthly_minimum} €)")
    fr = lambda value: f"{value:.2f}".replace(".", ",")  # noqa: E731 - French decimal comma in French text
    description = (
        "Assister l'ingénieur façade sur les concerts rock et électro de nos salles partenaires (1 000 à 5 000 "
        "places) : patch, line check, calage, mixage des premières parties.\n"
        f"Gratification : {fr(data.pay_monthly)} € par mois. Le minimum légal de ce stage de plus de deux mois est de "
        f"{fr(terms.monthly_minimum)} € par mois ({fr(terms.hourly_minimum)} € par heure de présence, 15 % du "
        f"plafond horaire de la sécurité sociale, Code de l'éducation L124-6 et D124-8) : les 600 € par mois de la "
        "fiche d'origine seraient illégaux depuis le 1er janvier 2026.")
    return dataclasses.replace(data, description=description)


def seed_schools(employers, today):
    femis = School.objects.get(name="La Fémis")
    isabelle = User.objects.filter(email="school@demo.flowstage.test").first()
    if isabelle is not None:
        SchoolReferent.objects.update_or_create(school=femis, defaults={"user": isabelle})
    for school_name, slugs in [("La Fémis", ["sonotec-live", "studio-canopee", "atelier-9"]),
                               ("ISTS", ["theatre-des-lucioles", "lumiere-scene"]),
                               ("SAE Institute", ["studio-canopee"])]:
        school = School.objects.get(name=school_name)
        for slug in slugs:
            SchoolPartnerEmployer.objects.get_or_create(school=school, employer=employers[slug],
                                                        defaults={"since": datetime.date(2026, 1, 5)})
    year = _demo_year(today)
    for school_name, weekdays in [("La Fémis", [0, 1]), ("SAE Institute", [3, 4])]:
        school = School.objects.get(name=school_name)
        cal, _c = SchoolCalendar.objects.update_or_create(
            school=school, valid_from=datetime.date(year, 9, 1),
            defaults={"valid_until": datetime.date(year + 1, 8, 31), "school_weekdays": weekdays})
        exceptions = [(datetime.date(year, 11, 11), "closed", "Armistice"),
                      (datetime.date(year + 1, 1, 1), "closed", "Jour de l'an")]
        exceptions += [(datetime.date(year, 12, 21) + datetime.timedelta(days=i), "company", "Vacances de Noël")
                       for i in range(0, 12)]
        exceptions += [(datetime.date(year + 1, 7, 6) + datetime.timedelta(days=i), "company", "Vacances d'été")
                       for i in range(0, 54)]
        for day, kind, note in exceptions:
            if day.weekday() < 5:
                SchoolCalendarDay.objects.update_or_create(calendar=cal, day=day, defaults={"kind": kind, "note": note})


def seed_learning_paths():
    from courses.models import CoursePage
    from exams.models import Certification

    for skill, course_code, cert_code in LEARNING_PATHS:
        course = CoursePage.objects.filter(code=course_code).order_by("pk").first()
        cert = Certification.objects.filter(code=cert_code).first() if cert_code else None
        LearningPath.objects.update_or_create(skill=skill, defaults={"course": course, "certification": cert})


def seed_students(today):
    year = _demo_year(today)
    marie = User.objects.get(email=MARIE)
    CareerProfile.objects.update_or_create(user=marie, defaults={
        "city": "Paris 20e", "postcode": "75020", "birth_date": datetime.date(2004, 9, 14), "kinds": ["internship"],
        "genres": ["rock", "electro"], "venue_sizes": ["1k5k", "lt1k"], "cv_visible": True,
        "cv_parts": ["academic", "skills", "portfolio", "experience", "career", "badges"],
        "cv_visible_since": timezone.make_aware(datetime.datetime(2026, 10, 1, 9, 0)),
    })
    for email, specs, skills, software, roles_, sectors, months, postcode, mobility, genres in OTHERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        profile = account_services.get_or_create_profile(user)
        StudentProfile.objects.filter(pk=profile.pk).update(mobility=mobility, salary_min=Decimal("600"))
        for name in specs:
            Specialisation.objects.get_or_create(profile=profile, name=name)
        for name, level in skills.items():
            if not profile.technicalskill_set.filter(name=name, level=level).exists():
                account_services.set_skill_level(profile, name, level)
        for name, level in software.items():
            if not profile.softwareskill_set.filter(software=name, level=level).exists():
                account_services.set_skill_level(profile, name, level, software=True)
        for title in roles_:
            TargetRole.objects.get_or_create(profile=profile, title=title)
        for sector in sectors:
            SectorPreference.objects.get_or_create(profile=profile, sector=sector)
        LanguageSkill.objects.update_or_create(profile=profile, language="Anglais", defaults={"level": "B2"})
        start = law.add_months(datetime.date(year, 5, 1), months[0])
        AvailabilityPeriod.objects.update_or_create(profile=profile, note="Stage", defaults={
            "start": start, "end": law.add_months(start, months[1]) - datetime.timedelta(days=1)})
        CareerProfile.objects.update_or_create(user=user, defaults={
            "postcode": postcode, "genres": genres, "birth_date": datetime.date(2004, 3, 2)})


def seed_applications(out, offers, today):
    """Lucas (a valid Audio Engineer badge) and Emma (a revoked one) apply to the FOH offer; other La Fémis students
    apply elsewhere: one placed at Studio Canopée, one declined by Radio Onde Claire. Marie has not applied yet."""
    jean = User.objects.filter(email=EMPLOYER_LOGIN).first()
    staff = User.objects.filter(email="staff@demo.flowstage.test").first()
    foh = offers.get("Assistant Ingénieur FOH")
    plan = [
        ("lucas.martin@demo.flowstage.test", foh, "shortlist", "",
         "Bonjour, je mixe en façade depuis deux saisons au Trabendo et je serais ravi de travailler avec votre équipe."),
        ("emma.petit@demo.flowstage.test", foh, None, "",
         "Bonjour, passionnée de rock, je cherche un stage en sonorisation live pour cet été."),
        ("lafemis.2027.sound.01@demo.flowstage.test", offers.get("Assistant·e ingénieur·e studio"), "accept",
         "Bienvenue dans l'équipe !", "Bonjour, la prise de son en studio est ce que je préfère."),
        ("lafemis.2027.sound.02@demo.flowstage.test", offers.get("Technicien·ne réalisation radio"), "decline",
         "Nous cherchons un profil plus expérimenté en direct.", "Bonjour, la radio me passionne."),
    ]
    done = 0
    for email, offer, action, reason, message in plan:
        student = User.objects.filter(email=email).first()
        if student is None or offer is None:
            continue
        app = Application.objects.filter(offer=offer, student=student).first()
        if app is None:
            if offer.status != Offer.Status.PUBLISHED:
                continue
            app = services.apply(offer, student, message=message, day=today,
                                 consent_parts=["academic", "skills", "experience", "career", "badges", "contact"])
            done += 1
        decider = jean if offer.employer.slug == "sonotec-live" and jean else None
        if decider is None:
            decider = offer.employer.members.first()
            if decider is None and staff is not None:
                offer.employer.members.add(staff)
                decider = staff
        if action and app.is_pending and not (action == "shortlist" and app.status == Application.Status.SHORTLISTED):
            services.decide(app, by=decider, action=action, reason=reason, day=today)
    lucas = User.objects.filter(email="lucas.martin@demo.flowstage.test").first()
    if lucas is not None and foh is not None and not ContactRequest.objects.filter(student=lucas, offer=foh).exists():
        services.contact_school(lucas, foh, message="Pouvez-vous m'aider à préparer l'entretien avec Sonotec Live ?")
    return done


def seed_priority(out, offers, today):
    """Studio Canopée bought priority offers (price list: 199 € per offer): one of its offers is shown first to the
    students it matches for 30 days."""
    offer = offers.get("Assistant·e ingénieur·e studio")
    if offer is None or offer.status != Offer.Status.PUBLISHED:
        return
    if PriorityPlacement.objects.filter(offer=offer, ends_on__gte=today).exists():
        return
    by = offer.employer.members.first() or User.objects.filter(email="staff@demo.flowstage.test").first()
    try:
        services.boost_offer(offer, by=by, day=today)
    except services.CareersError as exc:
        out.write(f"  (no priority offer: {exc.message})")


def seed(out):
    today = selectors.today()
    services.seed_legal_rates()
    employers = seed_employers()
    seed_schools(employers, today)
    seed_learning_paths()
    seed_students(today)
    offers = seed_offers(out, employers, today)
    seed_priority(out, offers, today)
    new = seed_applications(out, offers, today)
    return new


def summary(out, today):
    marie = User.objects.get(email=MARIE)
    ranking = selectors.ranking(marie, day=today)
    top = ranking.rows[0] if ranking.rows else None
    out.write(f"  careers: {Employer.objects.count()} employers, {Offer.objects.count()} offers; "
              f"Marie's matches: {ranking.matches}, top: "
              + (f"{top.offer.title} ({top.score.quantize(Decimal('0.1'))} %)" if top else "none"))
