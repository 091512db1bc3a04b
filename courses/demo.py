"""Demo courses (idempotent): the catalogue in French with English translations, "Industrie Musicale 4.0"
co-created with La Fémis, the "Audio Engineer — Flow Stage Ready" preparation course (code AUDIO-FSR-PREP),
two 199 € continuing-education courses, and Marie's enrolments with some progress."""
import json
import uuid
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from lms.accounts.models import User
from partnerships.models import Cohort, School

from . import services
from .demo_content import COURSES
from .models import (
    AssessmentComponent,
    ComponentMark,
    CoursePage,
    Enrolment,
    LessonPage,
    SchoolSectionPage,
    Submission,
    UnitPage,
)

NS = uuid.UUID("6f1c1b8e-3c2a-4d7e-9a51-2f0d5b7c8e11")
MARIE = "marie.dubois@demo.flowstage.test"
TEACHER = "teacher@demo.flowstage.test"
SCHOOL_STAFF = "school@demo.flowstage.test"
STAFF = "staff@demo.flowstage.test"


def stream(blocks, key) -> str:
    """Compact notation -> StreamField JSON with stable ids (assignment ids equal across languages)."""
    out, n_assign = [], 0
    for i, b in enumerate(blocks):
        kind = b[0]
        if kind == "assign":
            bid = str(uuid.uuid5(NS, f"{key}/assign/{n_assign}"))
            n_assign += 1
        else:
            bid = str(uuid.uuid5(NS, f"{key}/{i}/{kind}"))
        if kind == "p":
            out.append({"type": "text", "value": f"<p>{b[1]}</p>", "id": bid})
        elif kind == "h":
            out.append({"type": "heading", "value": b[1], "id": bid})
        elif kind == "ul":
            items = "".join(f"<li>{x}</li>" for x in b[1])
            out.append({"type": "text", "value": f"<ul>{items}</ul>", "id": bid})
        elif kind in ("tip", "info", "warning"):
            out.append({"type": "callout", "value": {"tone": kind, "title": b[1], "text": f"<p>{b[2]}</p>"},
                        "id": bid})
        elif kind == "assign":
            out.append({"type": "assignment", "value": {"title": b[1], "instructions": b[2], "submission": b[3]},
                        "id": bid})
    return json.dumps(out)


def _publish(page):
    page.save_revision().publish()
    return page


def _section(catalogue, key):
    if key == "la-femis":
        return services.ensure_school_section(School.objects.get(name="La Fémis"), catalogue)
    section = SchoolSectionPage.objects.filter(locale=catalogue.locale, slug=key).first()
    if section is None:
        section = catalogue.add_child(instance=SchoolSectionPage(
            title="Flow Stage", slug=key, locale=catalogue.locale,
            intro="<p>Les formations conçues par Flow Stage.</p>"))
        _publish(section)
    return section


def _translate(page, en, **fields):
    """The English translation of `page` (created as a copy, then given its English fields, published)."""
    existing = page.get_translation_or_none(en)
    if existing is not None:
        return existing.specific
    tr = page.copy_for_translation(en, copy_parents=True).specific
    for k, v in fields.items():
        setattr(tr, k, v)
    _publish(tr)
    parent = tr.get_parent()
    while parent.depth > 1 and not parent.live and not parent.alias_of_id:
        parent.specific.save_revision().publish()
        parent = parent.get_parent()
    return tr


def _build_course(section, data):
    fr_title, _en = data["title"]
    course = CoursePage.objects.child_of(section).filter(slug=data["slug"]).first()
    if course is not None:
        return course.specific, False
    course = CoursePage(
        title=fr_title, slug=data["slug"], locale=section.locale, kind=data["kind"], code=data["code"],
        summary=data["summary"][0], level=data["level"], year_of_study=data["year"], language="fr",
        ects_credits=data["ects"], price=data["price"], open_enrolment=data["open"],
        pass_mark=Decimal(data["pass_mark"]),
    )
    course.assessment_components = [AssessmentComponent(key=k, label=fr, weight=Decimal(w), sort_order=i,
                                                        source=_component_source(k))
                                    for i, (k, fr, _e, w) in enumerate(data["scheme"])]
    section.add_child(instance=course)
    if data["section"] == "la-femis":
        course.schools.set([School.objects.get(name="La Fémis")])
    teacher = User.objects.filter(email=TEACHER).first()
    if teacher:
        course.authors.set([teacher])
    _publish(course)
    for order, (uslug, ufr, _uen, lessons) in enumerate(data["units"], start=1):
        unit = course.add_child(instance=UnitPage(title=ufr, slug=uslug, order=order, locale=course.locale))
        _publish(unit)
        for lslug, lfr, _len, hours, obj_fr, _obj_en, body_fr, _body_en in lessons:
            lesson = unit.add_child(instance=LessonPage(
                title=lfr, slug=lslug, hours=Decimal(hours), objectives=obj_fr, locale=course.locale,
                validated_by_internship=lslug.startswith(INTERNSHIP_LESSON_PREFIX),
                body=stream(body_fr, f"{data['code']}/{lslug}")))
            _publish(lesson)
    return course, True


# Final report and credits: the scheme's certification component takes the certification result, the module's
# internship part is validated by the internship's co-signed report (not typed / marked done by hand)
INTERNSHIP_LESSON_PREFIX = "stage-entreprise"


def _component_source(key: str) -> str:
    return AssessmentComponent.Source.CERTIFICATION if key == "certification" else AssessmentComponent.Source.MANUAL


def _translate_course(course, data, en):
    _fr, en_title = data["title"]
    en_course = course.get_translation_or_none(en)
    if en_course is None:
        en_course = course.copy_for_translation(en, copy_parents=True).specific
        en_course.title = en_title
        en_course.summary = data["summary"][1]
        en_course.assessment_components = [AssessmentComponent(key=k, label=e, weight=Decimal(w), sort_order=i,
                                                               source=_component_source(k))
                                           for i, (k, _f, e, w) in enumerate(data["scheme"])]
        _publish(en_course)
        parent = en_course.get_parent()
        if not parent.live and not parent.alias_of_id:
            parent.specific.save_revision().publish()
    units = {u.slug: u for u in UnitPage.objects.child_of(course)}
    for uslug, _ufr, uen, lessons in data["units"]:
        unit = units[uslug]
        _translate(unit, en, title=uen)
        fr_lessons = {lp.slug: lp for lp in LessonPage.objects.child_of(unit)}
        for lslug, _lfr, len_, _h, _ofr, obj_en, _bfr, body_en in lessons:
            _translate(fr_lessons[lslug], en, title=len_, objectives=obj_en,
                       body=stream(body_en, f"{data['code']}/{lslug}"))


def _progress_for_marie(courses):
    marie = User.objects.filter(email=MARIE).first()
    if marie is None:
        return "no Marie"
    im40, prep, foh = courses["IM-4.0"], courses["AUDIO-FSR-PREP"], courses["FC-FOH-01"]
    staff = User.objects.filter(email=SCHOOL_STAFF).first()
    cohort = Cohort.objects.filter(memberships__user=marie).order_by("-graduation_year").first()
    if cohort and staff:
        services.enrol_cohort(cohort, im40, staff)
    for course in (prep, foh):
        if not Enrolment.objects.filter(user=marie, course=course).exists():
            services.self_enrol(marie, course)
    im40_lessons = list(LessonPage.objects.descendant_of(im40).order_by("path"))
    for lesson in [lp for lp in im40_lessons if not lp.validated_by_internship][:3]:
        services.complete_lesson(marie, lesson)
    for lesson in list(LessonPage.objects.descendant_of(prep).order_by("path"))[:2]:
        services.complete_lesson(marie, lesson)
    enrolment = Enrolment.objects.get(user=marie, course=im40)
    # resume where she stopped: the 4th lesson, the practical project
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=im40_lessons[3])
    teacher = User.objects.filter(email=TEACHER).first()
    if teacher and not ComponentMark.objects.filter(enrolment=enrolment, component_key="continuous").exists():
        services.set_component_mark(enrolment, "continuous", "14.5", "twenty", teacher)
    project = im40_lessons[3]
    blocks = services.assignment_blocks(project)
    if blocks and not Submission.objects.filter(enrolment=enrolment, lesson=project).exists():
        services.submit_assignment(marie, project, next(iter(blocks)),
                                   url="https://drive.example.org/marie-dubois/dossier-production-im40",
                                   comment="Dossier de production de l'équipe 2 (concert au Petit Bain).")
    return "Marie enrolled (cohort + self), with progress, a mark and a submission to grade"


@transaction.atomic
def seed(out):
    from wagtail.models import Locale

    catalogue = services.ensure_catalogue()
    en = Locale.objects.get(language_code="en")
    reviewers = Group.objects.get(name=services.REVIEWERS_GROUP)
    staff = User.objects.filter(email=STAFF).first()
    if staff:
        staff.groups.add(reviewers)
    courses = {}
    created = 0
    for data in COURSES:
        section = _section(catalogue, data["section"])
        _translate(section, en, title=section.title)
        if section.school_id:
            services.ensure_school_section(section.school, catalogue)
        course, new = _build_course(section, data)
        created += new
        _translate_course(course, data, en)
        courses[data["code"]] = course
    note = _progress_for_marie(courses)
    out.write(f"  courses: {len(courses)} courses in the catalogue ({created} created) in French and English; {note}")
