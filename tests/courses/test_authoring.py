"""Co-creation: per-school teacher groups on the school's subtree, the entitlement gate, the workflow."""
import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from courses import services
from courses.models import CourseIndexPage, CoursePage, SchoolSectionPage
from partnerships.models import SchoolMember
from tests.factories import make_user

from .factories import make_course, make_school

pytestmark = pytest.mark.django_db


def test_catalogue_setup_is_idempotent_with_workflow_and_reviewers():
    cat = services.ensure_catalogue()
    services.ensure_catalogue()
    assert CourseIndexPage.objects.count() == 2  # French + English translation
    assert cat.locale.language_code == "fr"
    workflow = Workflow.objects.get(name=services.WORKFLOW_NAME)
    assert WorkflowPage.objects.filter(workflow=workflow).count() == 2
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [services.REVIEWERS_GROUP]
    assert cat.get_workflow() == workflow


def test_adding_a_teacher_creates_the_school_group_with_subtree_permissions():
    school = make_school("Conservatoire Test")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")  # signal path
    group = Group.objects.get(name="Teachers — Conservatoire Test")
    assert teacher.groups.filter(pk=group.pk).exists()
    section = SchoolSectionPage.objects.get(school=school)
    codenames = set(GroupPagePermission.objects.filter(group=group, page=section)
                    .values_list("permission__codename", flat=True))
    assert codenames == {"add_page", "change_page"}  # no publish: the reviewers publish
    assert not GroupPagePermission.objects.filter(group=group, page__depth__lt=section.depth).exists()


def test_teacher_edits_only_own_school_subtree(client):
    school, other = make_school(), make_school()
    teacher = make_user("teacher")
    services.add_teacher(school, teacher)
    own = make_course(parent=services.ensure_school_section(school))
    foreign = make_course(parent=services.ensure_school_section(other))
    client.force_login(teacher)
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{foreign.pk}/edit/").status_code in (302, 403)
    section = SchoolSectionPage.objects.get(school=school)
    r = client.get(f"/admin/pages/add/courses/coursepage/{section.pk}/")
    assert r.status_code == 200


def test_entitlement_gate_refuses_schools_without_co_created_modules(client):
    basic = make_school(co_creation=False)
    teacher = make_user("teacher")
    services.add_teacher(basic, teacher)
    section = SchoolSectionPage.objects.get(school=basic)
    assert not services.may_co_create(teacher, section)
    client.force_login(teacher)
    r = client.get(f"/admin/pages/add/courses/coursepage/{section.pk}/")
    assert r.status_code == 302 and f"/admin/pages/{section.pk}/" in r["Location"]
    premium = make_school(co_creation=True)
    t2 = make_user("teacher")
    services.add_teacher(premium, t2)
    assert services.may_co_create(t2, SchoolSectionPage.objects.get(school=premium))
    assert services.may_co_create(make_user("flowstage_staff"), section)


def test_admin_form_refuses_weights_not_summing_to_100(client, fs_staff):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    services.ensure_catalogue()
    section = make_course().get_parent()
    staff = fs_staff
    staff.groups.add(Group.objects.get(name="flowstage_staff"))
    client.force_login(staff)
    data = nested_form_data({
        "title": "Cours mal pondéré", "slug": "mal-pondere", "kind": "module", "code": "BAD-1",
        "summary": "x", "level": "intermediate", "language": "fr", "ects_credits": "3", "pass_mark": "50",
        "assessment_components": inline_formset([
            {"key": "a", "label": "A", "weight": "40"},
            {"key": "b", "label": "B", "weight": "35"},
            {"key": "c", "label": "C", "weight": "20"},
        ]),
    })
    r = client.post(f"/admin/pages/add/courses/coursepage/{section.pk}/", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "sum to 100" in html or "doit être 100" in html
    assert not CoursePage.objects.filter(slug="mal-pondere").exists()
    data["assessment_components-2-weight"] = "25"
    r = client.post(f"/admin/pages/add/courses/coursepage/{section.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert CoursePage.objects.get(slug="mal-pondere").assessment_components.count() == 3


def test_co_authoring_school_sees_the_course_in_its_admin_list(client):
    owner, partner = make_school(), make_school()
    course = make_course(parent=services.ensure_school_section(owner), title="Module co-créé")
    course.schools.add(partner)
    course.save()
    teacher = make_user("teacher")
    services.add_teacher(partner, teacher)
    client.force_login(teacher)
    html = client.get("/admin/").content.decode()
    assert "Module co-créé" in html
    assert services.can_teach(teacher, course)


def _panel(html: str) -> str:
    start = html.index('class="panel summary school-courses"')
    return html[start:html.index("</section>", start)]


def test_authoring_home_links_only_what_the_teacher_may_edit_and_says_why_the_rest_is_read_only(client):
    school, owner = make_school(co_creation=True), make_school()
    teacher = make_user("teacher")
    services.add_teacher(school, teacher)
    own = make_course(parent=services.ensure_school_section(school), title="Module de l’école")
    shared = make_course(parent=services.ensure_school_section(owner), title="Module co-créé ailleurs")
    shared.schools.add(school)
    shared.save()
    fs = make_course(title="Module Flow Stage")
    fs.schools.add(school)
    fs.save()
    client.force_login(teacher)
    panel = _panel(client.get("/admin/").content.decode())
    assert f'href="/admin/pages/{own.pk}/edit/"' in panel
    for course in (shared, fs):
        assert course.title in panel and f"/admin/pages/{course.pk}/edit/" not in panel
        assert client.get(f"/admin/pages/{course.pk}/edit/").status_code in (302, 403)  # what the panel says
    assert "En lecture seule : propriété de Flow Stage ou d’une autre école" in panel
    assert "Leur propriétaire les rédige" in panel


def test_authoring_home_without_co_created_modules_says_so(client):
    basic = make_school(co_creation=False)
    teacher = make_user("teacher")
    services.add_teacher(basic, teacher)
    course = make_course(parent=services.ensure_school_section(basic), title="Module sans co-création")
    client.force_login(teacher)
    panel = _panel(client.get("/admin/").content.decode())
    assert f"/admin/pages/{course.pk}/edit/" not in panel and "Module sans co-création" in panel
    assert "n’inclut pas les modules co-créés" in panel
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 302  # the gate refuses, as said


def test_cohort_enrolment_page_for_school_staff(client):
    from partnerships.models import Cohort, CohortMembership, Programme

    from courses.models import Enrolment

    school = make_school()
    cohort = Cohort.objects.create(programme=Programme.objects.create(school=school, name="Son", domain="sound",
                                                                      degree_level=3), graduation_year=2027)
    for _ in range(2):
        CohortMembership.objects.create(cohort=cohort, user=make_user("student"))
    course = make_course()
    course.save_revision().publish()
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    client.force_login(staff)
    assert client.get("/learning/cohorts/enrol/").status_code == 200
    r = client.post("/learning/cohorts/enrol/", {"cohort": cohort.pk, "course": course.pk})
    assert r.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, course=course).count() == 2
    client.force_login(make_user("student"))
    assert client.get("/learning/cohorts/enrol/").status_code == 403
