"""The world the authorisation matrix is walked in: one "same school" (school A) that owns every object a URL
names (an attempt, a credential, a cohort, a course and a submission, an application, an invitation, a
partnership, an erasure request…), a second school (B) with its own people, two employers, and Flow Stage.

`build()` returns the identities by role name (`authz_matrix.ROLES`) and the ids the URL templates are filled with
(`authz_matrix.Row.path`). Built once per test module (tests/security/test_authz_matrix.py)."""
from tests.factories import make_user


def _member(school, role, group):
    from partnerships.models import SchoolMember

    user = make_user(group)
    SchoolMember.objects.create(school=school, user=user, role=role)
    return user


def build() -> tuple[dict, dict]:
    from badges.models import BulkIssuance, StatusList
    from badges.services import ensure_skill
    from lms.accounts.forms import SECTIONS
    from careers import services as careers_services
    from courses import services as course_services
    from courses.models import SchoolSectionPage
    from exams import services as exam_services
    from exams.models import Attempt
    from lms.accounts import services as account_services
    from lms.accounts.models import ApiToken
    from partnerships import services as partnership_services
    from partnerships.models import Cohort, CohortInvitation, Partnership
    from tests.badges.badges_testkit import issue, make_achievement
    from tests.careers import kit
    from tests.courses.factories import make_course
    from tests.exams.helpers import all_right, entitled_school, give_profile, make_certification, sound_student

    from partnerships import entitlements as E
    from partnerships.models import Entitlement

    school_a, school_b = entitled_school("Ecole A"), entitled_school("Ecole B")
    for s in (school_a, school_b):  # the careers and co-creation entitlements too, so no page is refused for want of them
        tier = Partnership.objects.get(school=s).tier
        for code in (E.INTERNSHIP_DATABASE, E.APPRENTICESHIP_PROGRAMME, E.CO_CREATED_MODULES, E.PRIORITY_JOB_ACCESS,
                     E.SUPERVISED_INTERNSHIPS, E.CURRICULUM_INTEGRATION):
            tier.entitlements.add(Entitlement.objects.get_or_create(code=code, defaults={"name": code})[0])

    student = sound_student(school_a, email="victime.authz@example.test")
    student.first_name, student.last_name = "Victime", "Authzprivee"
    student.save(update_fields=["first_name", "last_name"])
    give_profile(student)
    other_student = sound_student(school_b)
    give_profile(other_student)
    cohort = Cohort.objects.get(memberships__user=student)

    users = {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "teacher": _member(school_a, "teacher", "teacher"),
        "other_teacher": _member(school_b, "teacher", "teacher"),
        "examiner": _member(school_a, "examiner", "examiner"),
        "other_examiner": _member(school_b, "examiner", "examiner"),
        "staff": _member(school_a, "staff", "school_staff"),
        "other_staff": _member(school_b, "staff", "school_staff"),
        "flowstage_staff": make_user("flowstage_staff"),
        "superuser": make_user(None, is_superuser=True, is_staff=True),
    }
    employer, users["employer"] = kit.employer("Sonotec Authz")
    _other_employer, users["other_employer"] = kit.employer("Autre Employeur Authz")

    # an attempt of the student awaiting its practical assessment: the school's examiner holds the first turn
    cert = make_certification()
    exam_services.register(cert, student)
    attempt = exam_services.start_attempt(cert.exam, student)
    all_right(attempt)
    attempt = exam_services.submit_attempt(Attempt.objects.get(pk=attempt.pk))
    assert attempt.status == Attempt.Status.AWAITING, attempt.status
    question = attempt.questions.select_related("version__question").first().version.question

    # a course of school A's section, the student enrolled, one submission
    catalogue = course_services.ensure_catalogue()
    section = catalogue.add_child(instance=SchoolSectionPage(title="École A", slug="ecole-a-authz", school=school_a))
    course = make_course(parent=section)
    course_services.self_enrol(student, course)
    from tests.courses.factories import lessons_of

    lesson = lessons_of(course)[0]
    block_id = next(iter(course_services.assignment_blocks(lesson)))
    submission = course_services.submit_assignment(student, lesson, block_id, url="https://example.org/dossier")

    # a credential of the student and a bulk issuance by Flow Stage
    achievement = make_achievement()
    credential = issue(student, achievement)
    bulk = BulkIssuance.objects.create(achievement=achievement, created_by=users["flowstage_staff"], recipients=[],
                                       total=0)

    # careers: a published offer of the employer, the student's application to it
    offer = kit.offer(employer, users["employer"])
    application = careers_services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    # and a second offer the student was accepted to, whose agreement school A's staff opened (nobody signed yet)
    second = kit.offer(employer, users["employer"], title="Technicien retours")
    accepted = careers_services.apply(second, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    careers_services.decide(accepted, by=users["employer"], action="accept", day=kit.TODAY)
    agreement = careers_services.create_agreement(accepted, by=users["staff"])
    # a professional contact in the student's log (careers' follow-up during the internship)
    from careers import followup as careers_followup

    contact = careers_followup.save_contact(student, careers_followup.ContactData(
        name="Léa Roux", role="Régisseuse", organisation="Le Trabendo", met_on=kit.TODAY), today=kit.TODAY)

    # cohort invitation of school A, an erasure request of the student, an API token of the student
    partnership_services.invite_to_cohort(
        cohort, [partnership_services.Row(line=1, email="invite@example.test", first_name="In", last_name="Vite")],
        by=users["staff"])
    invitation = CohortInvitation.objects.get(cohort=cohort)
    erasure = account_services.request_erasure(student, "authz")
    ApiToken.issue(student)
    token = ApiToken.objects.filter(user=student).first()
    profile = account_services.get_or_create_profile(student)
    # a bank import Flow Stage's staff previewed and has not confirmed yet (only they may see or confirm it)
    staged = exam_services.stage_import(users["flowstage_staff"], "gift", question.category, "fr",
                                        "::Q:: Deux et deux ? {=quatre ~cinq}")

    from partnerships.models import ServiceRequest

    service_request = ServiceRequest.objects.create(school=school_a, entitlement=E.CAREER_WORKSHOPS,
                                                    requested_by=users["staff"])
    ids = {
        "attempt": attempt.pk, "exam": cert.exam.pk, "question": question.pk, "category": question.category_id,
        "cert_code": cert.code, "course": course.pk, "lesson": lesson.pk, "submission": submission.pk,
        "credential": credential.pk, "short_id": credential.short_id, "bulk": bulk.pk,
        "status_list": StatusList.objects.order_by("number").first().number, "achievement": achievement.slug,
        "skill": ensure_skill("sound").slug, "offer": offer.pk, "application": application.pk,
        "accepted": accepted.pk, "agreement": agreement.pk, "agreement_hash": careers_services.agreement_hash(agreement), "cohort": cohort.pk,
        "contact": contact.pk,
        "invitation": invitation.pk, "partnership": Partnership.objects.get(school=school_a).pk,
        "school": school_a.slug, "erasure": erasure.pk, "token": token.pk, "public_id": profile.public_id,
        "section": next(iter(SECTIONS)),
        "course_url": course.url, "staged_import": staged.pk, "service_request": service_request.pk,
    }
    return users, ids

