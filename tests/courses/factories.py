"""Builders of course trees for the courses tests (fast: pages are created live, without revisions)."""
from decimal import Decimal

from courses import services
from courses.models import AssessmentComponent, CoursePage, LessonPage, SchoolSectionPage, UnitPage
from partnerships.models import Entitlement, Partnership, School, Tier
from partnerships import entitlements

_n = {"i": 0}


def seq():
    _n["i"] += 1
    return _n["i"]


def make_school(name=None, co_creation=True, curriculum=True, free_access=False):
    """A school under a live partnership whose tier grants co-created modules, curriculum integration (cohort
    enrolment) and, when asked, free student access."""
    i = seq()
    school = School.objects.create(name=name or f"École {i}", slug=f"ecole-{i}", category="sound")
    tier = Tier.objects.create(code=f"t{i}", name=f"Tier {i}", rank=100 + i, annual_fee=Decimal("5000"))
    for wanted, code in ((co_creation, entitlements.CO_CREATED_MODULES),
                         (curriculum, entitlements.CURRICULUM_INTEGRATION),
                         (free_access, entitlements.FREE_STUDENT_ACCESS)):
        if wanted:
            ent, _c = Entitlement.objects.get_or_create(code=code, defaults={"name": code})
            tier.entitlements.add(ent)
    Partnership.objects.create(school=school, tier=tier, status=Partnership.Status.ACTIVE, annual_fee=Decimal("5000"))
    return school


def flow_stage_section():
    catalogue = services.ensure_catalogue()
    section = SchoolSectionPage.objects.filter(slug="flow-stage", locale=catalogue.locale).first()
    if section is None:
        section = catalogue.add_child(instance=SchoolSectionPage(title="Flow Stage", slug="flow-stage"))
    return section


def make_course(parent=None, n_units=2, lessons_per_unit=2, hours="2", scheme=True, **kw):
    parent = parent or flow_stage_section()
    i = seq()
    defaults = dict(title=f"Cours {i}", slug=f"cours-{i}", code=f"C-{i}", summary="Résumé du cours.",
                    kind=CoursePage.Kind.MODULE, ects_credits=Decimal("6"), pass_mark=Decimal("50"))
    defaults.update(kw)
    course = CoursePage(**defaults)
    if scheme:
        course.assessment_components = [
            AssessmentComponent(key="continuous", label="Contrôle continu", weight=Decimal("40"), sort_order=0),
            AssessmentComponent(key="project", label="Projet pratique", weight=Decimal("35"), sort_order=1),
            AssessmentComponent(key="certification", label="Certification Flow Stage", weight=Decimal("25"),
                                sort_order=2),
        ]
    parent.add_child(instance=course)
    for u in range(n_units):
        unit = course.add_child(instance=UnitPage(title=f"Semestre {u + 1}", slug=f"s{u + 1}", order=u + 1))
        for j in range(lessons_per_unit):
            unit.add_child(instance=LessonPage(
                title=f"Leçon {u + 1}.{j + 1}", slug=f"l{j + 1}", hours=Decimal(hours),
                objectives="Objectif un\nObjectif deux",
                body=[("text", "<p>Texte de la leçon.</p>"),
                      ("assignment", {"title": "Rendu", "instructions": "<p>Déposez.</p>", "submission": "either"})],
            ))
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))
