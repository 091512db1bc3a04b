"""Demo schools (from the brief), tiers with their entitlements, pilot partnerships, Sonotec Live."""
import datetime
from decimal import Decimal

from django.utils.text import slugify

from .models import (
    BusinessProjection, Employer, EnterpriseContract, Entitlement, Invoice, Partnership, PartnershipTransition,
    PriceItem, Programme, School, SchoolContact, Tier,
)

C, TIER = School.Category, School.Typology

# (name, city, category, typology)
SCHOOLS = [
    ("La Fémis", "Paris", C.CINEMA, TIER.NATIONAL),
    ("ENS Louis-Lumière", "Saint-Denis", C.CINEMA, TIER.NATIONAL),
    ("EICAR", "Saint-Denis", C.CINEMA, TIER.NATIONAL),
    ("INA SUP", "Bry-sur-Marne", C.CINEMA, TIER.NATIONAL),
    ("ESRA", "Paris", C.CINEMA, TIER.NATIONAL),
    ("Supinfocom Arles", "Arles", C.ANIMATION, TIER.REGIONAL),
    ("École Georges Méliès", "Orly", C.ANIMATION, TIER.REGIONAL),
    ("ACFA Montpellier", "Montpellier", C.CINEMA, TIER.REGIONAL),
    ("ESAV Toulouse", "Toulouse", C.CINEMA, TIER.REGIONAL),
    ("École de Condé", "Lyon", C.CINEMA, TIER.REGIONAL),
    ("SAE Institute", "Paris", C.SOUND, TIER.TECHNICAL),
    ("ISTS", "Avignon", C.LIGHTING, TIER.TECHNICAL),
    ("CFPM", "Paris", C.SOUND, TIER.TECHNICAL),
    ("Studio M", "Lyon", C.TECHNICAL, TIER.TECHNICAL),
    ("MJM Graphic Design", "Paris", C.TECHNICAL, TIER.TECHNICAL),
    ("CNSMD Paris", "Paris", C.SOUND, ""),
    ("CNSMD Lyon", "Lyon", C.SOUND, ""),
    ("ITEMM", "Le Mans", C.SOUND, ""),
    ("EMC", "Malakoff", C.SOUND, ""),
    ("ENSATT Lyon", "Lyon", C.LIGHTING, ""),
    ("CFA Spectacle Vivant", "Pantin", C.LIGHTING, ""),
    ("GRETA Spectacle", "Paris", C.LIGHTING, ""),
    ("École Technique Théâtre", "Paris", C.LIGHTING, ""),
]

# code, French name, English name; the tier that first grants it
ENTITLEMENTS = [
    ("free_student_access", "Accès étudiant gratuit Flow Stage", "Free Flow Stage student access", "discovery"),
    ("career_workshops", "Ateliers orientation carrière (2/semestre)", "Career workshops (2 per semester)", "discovery"),
    ("internship_database", "Base de données stages/alternances", "Internship and apprenticeship database", "discovery"),
    ("placement_statistics", "Retours statistiques placement diplômés", "Graduate placement statistics", "discovery"),
    ("faculty_training", "Formation corps professoral", "Faculty training", "certified"),
    ("curriculum_integration", "Projet intégration dans cursus", "Curriculum integration project", "certified"),
    ("flow_stage_ready_certification", "Certification étudiants « Flow Stage Ready »",
     "“Flow Stage Ready” student certification", "certified"),
    ("priority_job_access", "Accès prioritaire offres d'emploi", "Priority access to job offers", "certified"),
    ("co_created_modules", "Co-création modules pédagogiques", "Co-created course modules", "premium"),
    ("supervised_internships", "Stages supervision Flow Stage", "Flow Stage supervised internships", "premium"),
    ("expert_talks", "Intervention experts Flow Stage", "Flow Stage expert talks", "premium"),
    ("apprenticeship_programme", "Programme alternance directe Flow Stage", "Direct Flow Stage apprenticeship programme", "premium"),
    ("integrated_campus", "Campus Flow Stage intégré", "Integrated Flow Stage campus", "strategic"),
    ("incubator", "Incubateur projets étudiants", "Student-project incubator", "strategic"),
    ("joint_rnd", "Recherche & développement commune", "Joint research & development", "strategic"),
    ("flow_stage_chair", "Chaire Flow Stage Innovation", "Flow Stage Innovation chair", "strategic"),
]

TIERS = [
    ("discovery", "Discovery", 1, Decimal("0.00")),
    ("certified", "Certified", 2, Decimal("2500.00")),
    ("premium", "Premium", 3, Decimal("8500.00")),
    ("strategic", "Strategic", 4, Decimal("25000.00")),
]

# The brief's five pilot schools, with their tier and state.
PILOTS = [
    ("La Fémis", "premium", Partnership.Status.ACTIVE),
    ("ENS Louis-Lumière", "certified", Partnership.Status.ACTIVE),
    ("SAE Institute", "premium", Partnership.Status.PILOT),
    ("EICAR", "certified", Partnership.Status.PILOT),
    ("ISTS", "certified", Partnership.Status.PILOT),
]


def seed(out):
    for name, city, category, typology in SCHOOLS:
        School.objects.update_or_create(
            slug=slugify(name)[:80],
            defaults={"name": name, "city": city, "category": category, "typology": typology, "country": "FR"},
        )
    tiers = {}
    for code, name, rank, fee in TIERS:
        tiers[code], _ = Tier.objects.update_or_create(code=code, defaults={"name": name, "rank": rank, "annual_fee": fee})
    order = [t[0] for t in TIERS]
    for code, fr, en, first_tier in ENTITLEMENTS:
        ent, _ = Entitlement.objects.update_or_create(code=code, defaults={"name": fr, "name_en": en})
        for tier_code in order[order.index(first_tier):]:
            tiers[tier_code].entitlements.add(ent)
    start = datetime.date(2026, 1, 5)
    for school_name, tier_code, status in PILOTS:
        school = School.objects.get(name=school_name)
        Partnership.objects.update_or_create(
            school=school,
            start_date=start,
            defaults={
                "tier": tiers[tier_code],
                "status": status,
                "end_date": datetime.date(2027, 1, 4),
                "annual_fee": tiers[tier_code].annual_fee,
            },
        )
    femis = School.objects.get(name="La Fémis")
    Programme.objects.update_or_create(
        school=femis, name="Ingénieur Son", defaults={"domain": Programme.Domain.SOUND, "degree_level": 3}
    )
    Programme.objects.update_or_create(
        school=femis, name="Cinéma", defaults={"domain": Programme.Domain.CINEMA, "degree_level": 3}
    )
    Employer.objects.update_or_create(
        slug="sonotec-live",
        defaults={"name": "Sonotec Live", "city": "Paris 11e", "website": "https://sonotec-live.example",
                  "description": "Prestataire son live : salles de 1 000 à 5 000 places, rock et électro."},
    )
    seed_business(out)
    out.write("  schools, tiers, pilot partnerships, Sonotec Live")


# Price list (brief §4.1): code, segment, French name, English name, price, unit
PRICES = [
    ("student_certification", "student", "Certification étudiant « Flow Stage Ready »", "Student certification", "149", "unit"),
    ("career_coaching", "student", "Coaching carrière", "Career coaching session", "79", "unit"),
    ("continuing_module", "continuing", "Formation continue post-diplôme (module)", "Post-graduate continuing-education module", "199", "unit"),
    ("faculty_training_day", "school", "Formation continue profs (jour formateur)", "Faculty training (trainer day)", "800", "day"),
    ("co_created_module", "school", "Module pédagogique co-créé", "Co-created course module", "5000", "unit"),
    ("cvtheque_access", "enterprise", "Accès CVthèque étudiants", "Student CV database access", "999", "year"),
    ("priority_offer", "enterprise", "Diffusion offre prioritaire", "Priority job offer", "199", "offer"),
    ("assisted_recruitment", "enterprise", "Recrutement assisté", "Assisted recruitment", "2500", "hire"),
    ("junior_team_training", "enterprise", "Formation équipes junior", "Junior team training", "1200", "day"),
]

# Brief §4.2: year, label, schools, students, certifications, companies, partnerships, certifications, enterprise, continuing (€)
PROJECTION = [
    (2026, "An 1", 15, 500, 200, 25, 125_000, 30_000, 85_000, 45_000),
    (2027, "An 2", 35, 1500, 800, 80, 350_000, 119_000, 280_000, 140_000),
    (2028, "An 3", 50, 3000, 1500, 150, 750_000, 224_000, 525_000, 280_000),
]

# Other schools so the KPIs say something: (school, tier, status, start, end)
OTHER_PARTNERSHIPS = [
    ("INA SUP", "strategic", Partnership.Status.ACTIVE, datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)),
    ("ESRA", "certified", Partnership.Status.RENEWED, datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
    ("Supinfocom Arles", "discovery", Partnership.Status.ACTIVE, datetime.date(2026, 2, 1), datetime.date(2027, 1, 31)),
    ("École Georges Méliès", "certified", Partnership.Status.RENEWAL_DUE, datetime.date(2026, 1, 15), datetime.date(2027, 1, 14)),
    ("ACFA Montpellier", "discovery", Partnership.Status.PROSPECT, None, None),
    ("ESAV Toulouse", "certified", Partnership.Status.PROSPECT, None, None),
    ("CFPM", "premium", Partnership.Status.ACTIVE, datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
    ("École de Condé", "certified", Partnership.Status.LAPSED, datetime.date(2025, 9, 1), datetime.date(2026, 8, 31)),
    ("ITEMM", "discovery", Partnership.Status.ACTIVE, datetime.date(2026, 5, 1), datetime.date(2027, 4, 30)),
    ("ENSATT Lyon", "certified", Partnership.Status.PILOT, datetime.date(2026, 10, 1), datetime.date(2027, 9, 30)),
]

CONTACTS = [
    ("La Fémis", "Isabelle Moreau", "Responsable des partenariats", "partenariats@femis.example", "+33 1 53 41 21 00"),
    ("La Fémis", "Paul Girard", "Directeur du département Son", "son@femis.example", "+33 1 53 41 21 40"),
    ("ENS Louis-Lumière", "Hélène Roux", "Directrice des études", "etudes@ens-louis-lumiere.example", "+33 1 84 67 00 01"),
    ("SAE Institute", "Marc Petit", "Campus manager", "paris@sae.example", "+33 1 48 11 96 96"),
    ("EICAR", "Nadia Benali", "Relations entreprises", "entreprises@eicar.example", ""),
    ("ISTS", "Luc Fabre", "Coordinateur pédagogique", "pedagogie@ists.example", "+33 4 90 14 14 14"),
]

EMPLOYERS = [
    ("sonotec-live", "Sonotec Live", "Paris 11e"),
    ("lumiere-scene", "Lumière & Scène", "Lyon"),
    ("studio-canopee", "Studio Canopée", "Montreuil"),
]
CONTRACTS = [
    ("sonotec-live", "cvtheque_access", 1, datetime.date(2026, 2, 10)),
    ("sonotec-live", "priority_offer", 6, datetime.date(2026, 3, 2)),
    ("sonotec-live", "assisted_recruitment", 2, datetime.date(2026, 6, 15)),
    ("lumiere-scene", "cvtheque_access", 1, datetime.date(2026, 4, 1)),
    ("lumiere-scene", "junior_team_training", 3, datetime.date(2026, 9, 20)),
    ("studio-canopee", "priority_offer", 4, datetime.date(2026, 5, 5)),
    ("studio-canopee", "assisted_recruitment", 1, datetime.date(2026, 10, 12)),
]


def _transition(p, frm, to, on):
    PartnershipTransition.objects.get_or_create(partnership=p, from_status=frm, to_status=to, on=on)


def _invoice(p, number, start, end, status, paid_on=None):
    Invoice.objects.update_or_create(number=number, defaults={
        "partnership": p, "amount": p.annual_fee, "period_start": start, "period_end": end, "status": status,
        "issued_on": start if status != Invoice.Status.DRAFT else None, "paid_on": paid_on,
    })


def seed_business(out=None):
    for code, segment, fr, en, price, unit in PRICES:
        PriceItem.objects.update_or_create(code=code, defaults={
            "segment": segment, "name": fr, "name_en": en, "unit_price": Decimal(price), "unit": unit})
    for year, label, schools, students, certs, companies, rp, rc, re_, rcont in PROJECTION:
        BusinessProjection.objects.update_or_create(year=year, defaults={
            "label": label, "partner_schools": schools, "active_students": students, "certifications": certs,
            "recruiting_companies": companies, "revenue_partnerships": Decimal(rp),
            "revenue_certifications": Decimal(rc), "revenue_enterprise": Decimal(re_), "revenue_continuing": Decimal(rcont)})
    tiers = {t.code: t for t in Tier.objects.all()}
    for name, tier_code, status, start, end in OTHER_PARTNERSHIPS:
        school = School.objects.get(name=name)
        p, _ = Partnership.objects.update_or_create(school=school, defaults={
            "tier": tiers[tier_code], "status": status, "start_date": start, "end_date": end,
            "annual_fee": tiers[tier_code].annual_fee})
        if status == Partnership.Status.RENEWED:
            _transition(p, "active", "renewal_due", datetime.date(2026, 7, 2))
            _transition(p, "renewal_due", "renewed", datetime.date(2026, 8, 20))
            _invoice(p, "FS-2025-0003", datetime.date(2025, 9, 1), datetime.date(2026, 8, 31), Invoice.Status.PAID,
                     datetime.date(2025, 10, 1))
        if status == Partnership.Status.LAPSED:
            _transition(p, "active", "renewal_due", datetime.date(2026, 7, 2))
            _transition(p, "renewal_due", "lapsed", datetime.date(2026, 9, 1))
            _invoice(p, "FS-2025-0004", start, end, Invoice.Status.PAID, datetime.date(2025, 10, 15))
        if status == Partnership.Status.RENEWAL_DUE:
            _transition(p, "active", "renewal_due", datetime.date(2026, 11, 15))
            Partnership.objects.filter(pk=p.pk).update(renewal_opened_for=end)
    # invoices for the live, paying partnerships of 2026 (pilots are free of charge during the pilot)
    seq = 10
    for p in Partnership.objects.filter(status__in=[Partnership.Status.ACTIVE, Partnership.Status.RENEWED,
                                                    Partnership.Status.RENEWAL_DUE]).select_related("school").order_by("school__name"):
        if p.annual_fee > 0 and p.start_date:
            paid = p.start_date.month % 3 != 0
            _invoice(p, f"FS-{p.start_date.year}-{seq:04d}", p.start_date, p.end_date,
                     Invoice.Status.PAID if paid else Invoice.Status.SENT,
                     p.start_date + datetime.timedelta(days=30) if paid else None)
            seq += 1
    for name, tier_code, status in PILOTS:
        p = Partnership.objects.filter(school__name=name).order_by("-start_date").first()
        if status == Partnership.Status.PILOT:
            _transition(p, "prospect", "pilot", p.start_date)
        else:
            _transition(p, "prospect", "pilot", datetime.date(2025, 10, 1))
            _transition(p, "pilot", "active", p.start_date)
        Partnership.objects.filter(pk=p.pk).update(modules_co_created={"La Fémis": 2, "SAE Institute": 1}.get(name, 0))
    for school_name, name, role, email, phone in CONTACTS:
        SchoolContact.objects.update_or_create(school=School.objects.get(name=school_name), name=name,
                                               defaults={"role": role, "email": email, "phone": phone})
    employers = {}
    for slug, name, city in EMPLOYERS:
        employers[slug], _ = Employer.objects.get_or_create(slug=slug, defaults={"name": name, "city": city})
    items = {i.code: i for i in PriceItem.objects.all()}
    for slug, code, qty, signed in CONTRACTS:
        EnterpriseContract.objects.update_or_create(employer=employers[slug], item=items[code], signed_on=signed,
                                                    defaults={"quantity": Decimal(qty), "unit_price": items[code].unit_price})
    if out:
        out.write("  price list, projection, partnerships in every state, invoices, enterprise contracts")
