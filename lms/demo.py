"""Demo users, one per role, with stable logins (password "flowstage-demo"), and Marie Dubois's profile."""
import datetime
from decimal import Decimal


from lms.accounts import roles
from lms.accounts.demo import DEMO_PASSWORD, demo_user
from lms.accounts import services as account_services
from lms.accounts.models import (
    AcademicProject,
    AvailabilityPeriod,
    InternshipRecord,
    LanguageSkill,
    MentorRelation,
    PeerReview,
    PortfolioItem,
    ProjectParticipation,
    SectorPreference,
    Specialisation,
    StudentProfile,
    TargetRole,
    User,
)
from partnerships.models import Cohort, CohortMembership, Employer, Programme, School, SchoolMember


USERS = [
    # e-mail, first, last, role
    ("marie.dubois@demo.flowstage.test", "Marie", "Dubois", roles.STUDENT),
    ("teacher@demo.flowstage.test", "Claire", "Lefèvre", roles.TEACHER),
    ("examiner@demo.flowstage.test", "Thomas", "Garnier", roles.EXAMINER),
    ("school@demo.flowstage.test", "Isabelle", "Moreau", roles.SCHOOL_STAFF),
    ("employer@demo.flowstage.test", "Jean", "Martin", roles.EMPLOYER),
    ("staff@demo.flowstage.test", "Sophie", "Bernard", roles.FLOWSTAGE_STAFF),
    ("admin@demo.flowstage.test", "Admin", "Flow Stage", None),
]


def seed(out):
    roles.sync_role_permissions()
    users = {}
    for email, first, last, role in USERS:
        users[email] = demo_user(email, first, last, role, superuser=role is None)
    femis = School.objects.get(name="La Fémis")
    SchoolMember.objects.get_or_create(school=femis, user=users["school@demo.flowstage.test"], role="staff")
    SchoolMember.objects.get_or_create(school=femis, user=users["teacher@demo.flowstage.test"], role="teacher")
    SchoolMember.objects.get_or_create(school=femis, user=users["examiner@demo.flowstage.test"], role="examiner")
    cohort, _ = Cohort.objects.get_or_create(
        programme=Programme.objects.get(school=femis, name="Ingénieur Son"), graduation_year=2027,
        defaults={"label": "L3"},
    )
    CohortMembership.objects.get_or_create(cohort=cohort, user=users["marie.dubois@demo.flowstage.test"])
    Employer.objects.get(slug="sonotec-live").members.add(users["employer@demo.flowstage.test"])
    seed_marie_profile(users)
    out.write("  demo users (one per role), Marie Dubois in L3 Ingénieur Son 2027 (La Fémis), her profile")


# Marie's skills: name -> final level. Their history over the past months is written by lms.demo_history.
MARIE_TECHNICAL = {
    "Mixage façade (FOH)": 4,
    "Câblage et patch": 4,
    "Mixage retours": 3,
    "Prise de son studio": 3,
    "Calage de système": 2,
}
MARIE_SOFTWARE = {"Pro Tools": 4, "Logic Pro": 4, "Ableton Live": 3, "Smaart": 2}


def next_may(today=None) -> int:
    today = today or datetime.date.today()
    return today.year if today.month < 5 else today.year + 1


def seed_marie_profile(users):
    marie = users["marie.dubois@demo.flowstage.test"]
    profile, _ = StudentProfile.objects.update_or_create(user=marie, defaults={
        "headline": "Ingénieure son en formation — sonorisation live et studio",
        "looking_for": "Stage son live 3 mois (mai–juillet)",
        "bio": ("Étudiante en L3 Ingénieur Son à La Fémis. Passionnée de concerts rock et électro, "
                "j'ai assisté les équipes façade et retours sur plusieurs festivals. Je cherche un stage "
                "de trois mois en sonorisation live pour consolider le calage système et le mixage façade."),
        "gpa": Decimal("14.60"), "gpa_scale": StudentProfile.GpaScale.TWENTY,
        "mobility": StudentProfile.Mobility.NATIONAL, "mobility_notes": "Basée à Paris, permis B",
        "salary_min": Decimal("600.00"), "salary_max": Decimal("900.00"),
        "is_public": True, "public_readiness": True,
    })
    for name in ["Sonorisation live", "Prise de son", "Mixage"]:
        Specialisation.objects.get_or_create(profile=profile, name=name)
    for language, level in [("Français", "native"), ("Anglais", "B2"), ("Espagnol", "A2")]:
        LanguageSkill.objects.update_or_create(profile=profile, language=language, defaults={"level": level})
    for title, year, desc in [
        ("Captation du concert de fin d'année", 2025, "Prise de son multipiste (32 voies) et mixage stéréo."),
        ("Court-métrage « Les Veilleurs »", 2026, "Montage son et mixage 5.1 d'un court-métrage de fin d'études."),
    ]:
        AcademicProject.objects.update_or_create(profile=profile, title=title,
                                                 defaults={"year": year, "description": desc})
    for name, level in MARIE_TECHNICAL.items():
        account_services.set_skill_level(profile, name, level)
    for name, level in MARIE_SOFTWARE.items():
        account_services.set_skill_level(profile, name, level, software=True)
    for title, role, year, link, desc in [
        ("Live au Trabendo — Nova Twins", "Assistante façade", 2025, "https://example.org/marie/trabendo",
         "Préparation du patch, line check et aide au mixage façade (salle de 700 places)."),
        ("Festival des écoles — scène B", "Régie retours", 2026, "https://example.org/marie/festival-ecoles",
         "Mixage des retours de six groupes sur une journée, 12 mixes ears et wedges."),
        ("EP « Nuit Blanche »", "Prise de son et mixage", 2026, "https://example.org/marie/nuit-blanche",
         "Enregistrement en studio de quatre titres, mixage sous Pro Tools."),
        ("Podcast « Sous la scène »", "Montage et mixage", 2025, "https://example.org/marie/podcast",
         "Six épisodes d'entretiens avec des techniciens du spectacle."),
    ]:
        PortfolioItem.objects.update_or_create(profile=profile, title=title, defaults={
            "role": role, "year": year, "link": link, "description": desc})
    for title in ["Assistante ingénieure façade", "Technicienne retours"]:
        TargetRole.objects.get_or_create(profile=profile, title=title)
    for sector in [SectorPreference.Sector.LIVE, SectorPreference.Sector.FESTIVAL, SectorPreference.Sector.STUDIO]:
        SectorPreference.objects.get_or_create(profile=profile, sector=sector)
    year = next_may()
    AvailabilityPeriod.objects.update_or_create(profile=profile, note="Stage son live", defaults={
        "start": datetime.date(year, 5, 1), "end": datetime.date(year, 7, 31)})
    jean = users["employer@demo.flowstage.test"]
    MentorRelation.objects.update_or_create(profile=profile, mentor=jean, defaults={
        "mentor_name": "Jean Martin", "organisation": "Sonotec Live", "since": datetime.date(2025, 10, 1)})
    for org, role, kind, start, end, tutor, desc in [
        ("Le Trabendo", "Stagiaire technicienne son", InternshipRecord.Kind.INTERNSHIP,
         datetime.date(2025, 6, 2), datetime.date(2025, 7, 25), "Paul Girard",
         "Installation, patch et assistance façade sur une vingtaine de concerts."),
        ("Festival Rock en Seine", "Technicienne son (renfort)", InternshipRecord.Kind.JOB,
         datetime.date(2025, 8, 18), datetime.date(2025, 8, 31), "Nadia Benali",
         "Changements de plateau et gestion des retours sur la scène Bosquet."),
    ]:
        InternshipRecord.objects.update_or_create(profile=profile, organisation=org, defaults={
            "role": role, "kind": kind, "start": start, "end": end, "tutor": tutor, "description": desc})
    ProjectParticipation.objects.update_or_create(profile=profile, project="Festival des écoles 2026", defaults={
        "role": "Régisseuse son", "year": 2026, "description": "Coordination son de la scène B."})
    teacher = users["teacher@demo.flowstage.test"]
    if not PeerReview.objects.filter(student=marie, reviewer=teacher).exists():
        account_services.leave_peer_review(
            student=marie, reviewer=teacher, rating=5,
            text="Rigoureuse et calme sous pression ; un patch toujours impeccable.")
    for other in (teacher, jean, users["examiner@demo.flowstage.test"]):
        account_services.connect(marie, other)
    return profile
