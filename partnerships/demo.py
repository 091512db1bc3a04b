"""Demo schools (from the brief), tiers with their entitlements, pilot partnerships, Sonotec Live."""
import datetime
from decimal import Decimal

from django.utils.text import slugify

from .models import Employer, Entitlement, Partnership, Programme, School, Tier

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
    out.write("  schools, tiers, pilot partnerships, Sonotec Live")
