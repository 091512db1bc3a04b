"""Final report and credits (issue 12, "At the end"): the tutor's evaluation, the student's report, the referent's
grade, the co-signature by the agreement's tutor and referent only, then locked; corrections as new versions; the
ECTS validated once; the modules' loops; the internship credential; the cancellation; the read API."""
import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from careers import reports, services
from careers.models import Agreement, AgreementSignature, Application, FinalReport, ReportSignature, TutorLink
from courses.models import CreditRecord
from tests.careers import kit
from tests.careers.test_agreements import terms

pytestmark = pytest.mark.django_db


AFTER_END = datetime.date(2027, 7, 30)  # the last day of the agreement of ``terms()``: the report opens


@pytest.fixture
def world(rates, monkeypatch):
    s = kit.school()
    referent = kit.staff_of(s)
    emp, staff = kit.employer("Sonotec Live")
    colleague = kit.make_user("employer")
    emp.members.add(colleague)
    offer = kit.offer(emp, staff, title="Assistant Ingénieur FOH")
    student = kit.student(s)
    app = services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    agreement = services.update_agreement(agreement, terms(tutor_email=staff.email, ects_credits=Decimal("6")),
                                          by=referent)
    services.sign_agreement(agreement, by=student, party="student")
    services.sign_agreement(agreement, by=staff, party="employer")
    services.sign_agreement(agreement, by=referent, party="school")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.status == Agreement.Status.SIGNED and agreement.ects_credits == Decimal("6")
    from careers import selectors

    monkeypatch.setattr(selectors, "today", lambda: AFTER_END)
    mail.outbox.clear()
    return {"school": s, "referent": referent, "employer": emp, "tutor": staff, "colleague": colleague,
            "offer": offer, "student": student, "agreement": agreement}


EVALS = [{"met": True, "comment": "Trois concerts mixés seul."}, {"met": False, "comment": "Patch à revoir."}]


def _file(name="rapport.pdf", data=b"%PDF-1.4 rapport de stage"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _fill(w, grade="15.5"):
    a = w["agreement"]
    reports.evaluate(a, by=w["tutor"], evaluations=EVALS, overall="Très bon stage, autonome en fin de période.")
    reports.submit_student_report(a, by=w["student"], file=_file())
    return reports.grade_report(a, by=w["referent"], grade=grade)


def _cosign(w):
    _fill(w)
    reports.sign_report(w["agreement"], by=w["tutor"], role="tutor")
    return reports.sign_report(w["agreement"], by=w["referent"], role="referent")


# --- the parts and who writes them --------------------------------------------------------------------------------

def test_each_party_writes_their_part_and_the_report_is_created_on_first_write(world):
    assert reports.current_report(world["agreement"]) is None
    r = _fill(world)
    assert r.version == 1 and r.status == FinalReport.Status.DRAFT
    assert [e["met"] for e in r.evaluations] == [True, False]
    assert r.evaluations[0]["objective"] == "Mixer la façade d'un concert seul"
    assert r.grade == Decimal("15.50") and isinstance(r.grade, Decimal)
    assert len(r.student_report_sha256) == 64 and r.student_report_name == "rapport.pdf"
    assert reports.missing_parts(r) == []


@pytest.mark.parametrize("who", ["colleague", "student", "referent"])
def test_only_the_agreements_tutor_evaluates(world, who):
    with pytest.raises(services.CareersError) as exc:
        reports.evaluate(world["agreement"], by=world[who], evaluations=EVALS, overall="x")
    assert exc.value.status == 403


def test_only_the_referent_grades_and_only_the_student_uploads(world):
    for who in ("tutor", "student", "colleague"):
        with pytest.raises(services.CareersError) as exc:
            reports.grade_report(world["agreement"], by=world[who], grade="12")
        assert exc.value.status == 403
    with pytest.raises(services.CareersError) as exc:
        reports.submit_student_report(world["agreement"], by=world["referent"], file=_file())
    assert exc.value.status == 403


@pytest.mark.parametrize("bad", ["21", "-1", "abc", "NaN", "1e400", ""])
def test_a_bad_grade_is_a_422_with_its_reason(world, bad):
    with pytest.raises(services.CareersError) as exc:
        reports.grade_report(world["agreement"], by=world["referent"], grade=bad)
    assert exc.value.status == 422 and "0 to 20" in exc.value.english


def test_the_grade_is_kept_exact_with_a_comma():
    assert reports.parse_grade("14,25") == Decimal("14.25")
    assert reports.parse_grade("20") == Decimal("20.00")
    assert reports.parse_grade(" 0 ") == Decimal("0.00")


def test_the_evaluation_needs_every_objective_and_the_overall_assessment(world):
    a = world["agreement"]
    for evals, overall in (([EVALS[0]], "ok"), ([EVALS[0], {"met": None}], "ok"), (EVALS, "  "),
                           ([EVALS[0], {"met": True, "comment": "x" * 1001}], "ok")):
        with pytest.raises(services.CareersError) as exc:
            reports.evaluate(a, by=world["tutor"], evaluations=evals, overall=overall)
        assert exc.value.status == 422


def test_the_students_report_has_the_limits_of_an_assignment(world, settings):
    from courses import services as course_services

    with pytest.raises(services.CareersError) as exc:
        reports.submit_student_report(world["agreement"], by=world["student"], file=_file("virus.exe"))
    assert exc.value.status == 422 and "exe" in exc.value.english
    course_services.MAX_SUBMISSION_BYTES, before = 10, course_services.MAX_SUBMISSION_BYTES
    try:
        with pytest.raises(services.CareersError) as exc:
            reports.submit_student_report(world["agreement"], by=world["student"], file=_file())
        assert exc.value.status == 422 and ("too large" in exc.value.english or "volumineux" in exc.value.english)
    finally:
        course_services.MAX_SUBMISSION_BYTES = before


def test_no_report_before_the_agreement_is_signed_nor_after_a_cancellation(world, rates):
    a = world["agreement"]
    reports.cancel_agreement(a, by=world["referent"], reason="Le stagiaire a trouvé un autre stage.")
    with pytest.raises(services.CareersError) as exc:
        reports.evaluate(a, by=world["tutor"], evaluations=EVALS, overall="x")
    assert exc.value.status == 409 and "cancelled" in exc.value.english


# --- co-signature -------------------------------------------------------------------------------------------------

def test_cosigned_by_tutor_and_referent_on_the_same_hash_then_locked(world):
    _cosign(world)
    r = reports.current_report(world["agreement"])
    assert r.status == FinalReport.Status.LOCKED and r.locked_at
    sigs = list(r.signatures.all())
    assert {s.role for s in sigs} == {"tutor", "referent"}
    assert {s.content_hash for s in sigs} == {reports.report_hash(r)}
    assert all(s.signer_id and s.signed_at for s in sigs)


@pytest.mark.parametrize("who,role", [("colleague", "tutor"), ("student", "tutor"), ("student", "referent"),
                                      ("tutor", "referent"), ("referent", "tutor")])
def test_a_report_cosigned_by_the_wrong_person_is_a_403(world, who, role):
    _fill(world)
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(world["agreement"], by=world[who], role=role)
    assert exc.value.status == 403
    assert not ReportSignature.objects.exists()


def test_another_schools_staff_cannot_sign_as_referent(world):
    _fill(world)
    stranger = kit.staff_of(kit.school(name="Autre"))
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(world["agreement"], by=stranger, role="referent")
    assert exc.value.status == 403


def test_signing_an_incomplete_report_or_twice_is_a_409(world):
    a = world["agreement"]
    reports.evaluate(a, by=world["tutor"], evaluations=EVALS, overall="Bien.")
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(a, by=world["tutor"], role="tutor")
    assert exc.value.status == 409 and "student's report" in exc.value.english
    reports.submit_student_report(a, by=world["student"], file=_file())
    reports.grade_report(a, by=world["referent"], grade="14")
    reports.sign_report(a, by=world["tutor"], role="tutor")
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(a, by=world["tutor"], role="tutor")
    assert exc.value.status == 409


def test_an_edit_after_one_signature_voids_it_and_a_stale_hash_is_refused(world):
    a = world["agreement"]
    r = _fill(world)
    old_hash = reports.report_hash(r)
    reports.sign_report(a, by=world["tutor"], role="tutor", content_hash=old_hash)
    reports.grade_report(a, by=world["referent"], grade="16")
    sig = ReportSignature.objects.get()
    assert sig.voided_at is not None
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(a, by=world["referent"], role="referent", content_hash=old_hash)
    assert exc.value.status == 409
    reports.sign_report(a, by=world["referent"], role="referent")
    assert reports.current_report(a).status == FinalReport.Status.DRAFT  # the tutor must sign again
    reports.sign_report(a, by=world["tutor"], role="tutor")
    assert reports.current_report(a).status == FinalReport.Status.LOCKED


def test_an_evaluation_after_the_report_is_locked_is_a_409(world):
    _cosign(world)
    a = world["agreement"]
    for call in (lambda: reports.evaluate(a, by=world["tutor"], evaluations=EVALS, overall="Autre"),
                 lambda: reports.grade_report(a, by=world["referent"], grade="20"),
                 lambda: reports.submit_student_report(a, by=world["student"], file=_file())):
        with pytest.raises(services.CareersError) as exc:
            call()
        assert exc.value.status == 409 and "locked" in exc.value.english


def test_a_correction_is_a_new_version_with_its_reason_the_old_one_kept(world):
    _cosign(world)
    a = world["agreement"]
    with pytest.raises(services.CareersError) as exc:
        reports.correct_report(a, by=world["referent"], reason=" ")
    assert exc.value.status == 422
    with pytest.raises(services.CareersError) as exc:
        reports.correct_report(a, by=world["tutor"], reason="Erreur")
    assert exc.value.status == 403
    new = reports.correct_report(a, by=world["referent"], reason="Erreur de saisie de la note.")
    assert new.version == 2 and new.status == FinalReport.Status.DRAFT and new.grade == Decimal("15.50")
    old = FinalReport.objects.get(agreement=a, version=1)
    assert old.status == FinalReport.Status.SUPERSEDED and old.signatures.count() == 2
    reports.grade_report(a, by=world["referent"], grade="16")
    reports.sign_report(a, by=world["tutor"], role="tutor")
    reports.sign_report(a, by=world["referent"], role="referent")
    assert FinalReport.objects.get(agreement=a, version=2).status == FinalReport.Status.LOCKED
    # the credits and the credential are not given twice
    assert CreditRecord.objects.filter(user=world["student"]).count() == 1
    assert FinalReport.objects.get(agreement=a, version=2).credential_id == old.credential_id


def test_two_current_versions_are_impossible(world):
    _fill(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        FinalReport.objects.create(agreement=world["agreement"], version=2)


# --- ECTS, the modules, the credential, readiness ---------------------------------------------------------------------

def test_ects_are_validated_on_cosignature_beside_the_modules(world):
    assert not CreditRecord.objects.filter(user=world["student"]).exists()
    _cosign(world)
    rec = CreditRecord.objects.get(user=world["student"])
    assert rec.source == "internship" and rec.ects == Decimal("6.0") and rec.course_id is None
    assert rec.reference == f"careers.agreement:{world['agreement'].pk}"
    assert rec.grade == Decimal("77.5")  # 15.5/20
    from courses import selectors as course_selectors

    t = course_selectors.transcript(world["student"])
    assert t["total"] == Decimal("6") and t["internship_total"] == Decimal("6")
    summary = course_selectors.learning_summary(world["student"])
    assert summary["ects_earned"] == Decimal("6") and summary["modules_passed"] == 0


def test_ects_validated_twice_is_impossible(world):
    from courses import services as course_services

    _cosign(world)
    ref = f"careers.agreement:{world['agreement'].pk}"
    rec, created = course_services.award_credits(world["student"].pk, reference=ref, title="x", ects=6, grade=80)
    assert created is False and CreditRecord.objects.filter(user=world["student"]).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.create(user=world["student"], reference=ref, source="internship", ects=6, grade=80)


def test_credits_need_a_reference_and_some_ects(world):
    from courses import services as course_services

    with pytest.raises(course_services.CourseError):
        course_services.award_credits(world["student"].pk, reference="", title="x", ects=6, grade=80)
    with pytest.raises(course_services.CourseError):
        course_services.award_credits(world["student"].pk, reference="r:1", title="x", ects=0, grade=80)


def test_the_completed_internship_is_a_signed_open_badge_of_its_own(world):
    _cosign(world)
    r = reports.current_report(world["agreement"])
    cred = r.credential
    assert cred is not None and cred.user_id == world["student"].pk
    doc = json.loads(cred.signed_json)
    ach = doc["credentialSubject"]["achievement"]
    assert ach["name"] == "Internship — Assistant Ingénieur FOH, Sonotec Live, 3 months, 6 ECTS"
    assert cred.achievement.name_fr == "Stage — Assistant Ingénieur FOH, Sonotec Live, 3 mois, 6 ECTS"
    assert "Objectives met (1/2)" in ach["criteria"]["narrative"]
    assert "Mixer la façade" in ach["criteria"]["narrative"] and "Câbler" not in ach["criteria"]["narrative"]
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]  # main signs a proof array
    assert proofs[0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_the_signed_internship_credential_verifies_and_is_listed_on_the_students_badges(world):
    from badges import verification
    from badges.resolver import DatabaseResolver

    _cosign(world)
    cred = reports.current_report(world["agreement"]).credential
    report = verification.verify_credential(json.loads(cred.signed_json), DatabaseResolver())
    assert report.verdict == verification.VALID, report.reason
    c = Client()
    c.force_login(world["student"])
    assert "Assistant Ingénieur FOH" in c.get(reverse("badges:mine")).content.decode()


def test_the_internship_counts_as_verified_experience(world):
    from lms import readiness_inputs

    before = readiness_inputs.gather(world["student"], today=datetime.date(2027, 9, 1))
    _cosign(world)
    after = readiness_inputs.gather(world["student"], today=datetime.date(2027, 9, 1))
    assert before.verified_experience_months == 0
    assert after.verified_experience_months > Decimal("2.8")
    assert after.experience_months >= after.verified_experience_months
    rows = {r["key"]: r for r in readiness_inputs.explained(readiness_inputs.readiness_for(world["student"]))}
    assert rows["certifications"]["source"] == "verified" and rows["skills"]["source"] == "declared"


def test_readiness_sources_pure():
    from lms.readiness import ReadinessInputs, job_readiness

    r = job_readiness(ReadinessInputs(experience_months=Decimal(3), verified_experience_months=Decimal(9)))
    exp = next(c for c in r.components if c.key == "experience")
    assert exp.detail["verified_months"] == Decimal("3.0")  # never more than the experience counted


def test_months_of_an_internship():
    d = datetime.date
    assert reports.internship_months(d(2027, 5, 3), d(2027, 7, 30)) == 3
    assert reports.internship_months(d(2027, 5, 3), d(2027, 5, 10)) == 1
    assert reports.internship_months(d(2027, 1, 1), d(2027, 12, 31)) == 12


# --- the tutor's link -----------------------------------------------------------------------------------------------

def _link_token(w):
    link = reports.send_report_link(w["agreement"], by=w["referent"])
    return link, signing.dumps({"a": w["agreement"].pk, "l": link.pk, "act": "report", "h": link.document_hash},
                               salt=services.TUTOR_LINK_SALT)


def test_the_tutor_evaluates_and_signs_through_the_report_link_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link, token = _link_token(world)
    assert any(token in m.body for m in mail.outbox) and mail.outbox[-1].to == [world["tutor"].email]
    a = world["agreement"]
    reports.evaluate_by_link(token, evaluations=EVALS, overall="Bien.", name="Jean Martin")
    reports.submit_student_report(a, by=world["student"], file=_file())
    reports.grade_report(a, by=world["referent"], grade="14")
    sig = reports.sign_report_by_link(token, name="Jean Martin")
    assert sig.via == "link" and sig.signer_id is None
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report_by_link(token, name="Jean Martin")
    assert exc.value.status == 410


def test_a_signing_link_does_not_open_the_report_nor_another_agreements(world):
    a = world["agreement"]
    sign_link = TutorLink.objects.create(agreement=a, action="sign", document_hash=services.agreement_hash(a),
                                         sent_to="x@example.test", sent_at=a.created_at)
    token = signing.dumps({"a": a.pk, "l": sign_link.pk, "act": "sign", "h": sign_link.document_hash},
                          salt=services.TUTOR_LINK_SALT)
    with pytest.raises(services.CareersError) as exc:
        reports.evaluate_by_link(token, evaluations=EVALS, overall="x", name="x")
    assert exc.value.status == 400
    link, _token = _link_token(world)
    forged = signing.dumps({"a": a.pk + 1, "l": link.pk, "act": "report", "h": link.document_hash},
                           salt=services.TUTOR_LINK_SALT)
    with pytest.raises(services.CareersError) as exc:
        reports.evaluate_by_link(forged, evaluations=EVALS, overall="x", name="x")
    assert exc.value.status == 400


# --- cancellation ---------------------------------------------------------------------------------------------------

def test_cancelling_voids_the_signatures_kills_the_links_tells_the_parties(world, django_capture_on_commit_callbacks):
    a = world["agreement"]
    _link, token = _link_token(world)
    mail.outbox.clear()
    for who in ("student", "tutor"):
        with pytest.raises(services.CareersError) as exc:
            reports.cancel_agreement(a, by=world[who], reason="x")
        assert exc.value.status == 403
    with pytest.raises(services.CareersError) as exc:
        reports.cancel_agreement(a, by=world["referent"], reason="")
    assert exc.value.status == 422
    with django_capture_on_commit_callbacks(execute=True):
        reports.cancel_agreement(a, by=world["referent"], reason="Rupture à l'initiative de l'entreprise.")
    a = Agreement.objects.get(pk=a.pk)
    assert a.status == "cancelled" and a.cancel_reason and a.cancelled_by == world["referent"]
    assert not AgreementSignature.objects.filter(agreement=a, voided_at__isnull=True).exists()
    assert AgreementSignature.objects.filter(agreement=a).count() == 3  # kept
    assert a.history.filter(status="cancelled").exists()
    to = {addr for m in mail.outbox for addr in m.to}
    assert world["student"].email in to and world["referent"].email in to and world["tutor"].email in to
    assert all("Rupture" in m.body for m in mail.outbox)
    with pytest.raises(services.CareersError) as exc:
        reports.evaluate_by_link(token, evaluations=EVALS, overall="x", name="x")
    assert exc.value.status == 410
    with pytest.raises(services.CareersError) as exc:
        reports.cancel_agreement(a, by=world["referent"], reason="encore")
    assert exc.value.status == 409


def test_a_completed_internship_is_not_cancelled_and_another_school_cannot(world):
    stranger = kit.staff_of(kit.school(name="Autre"))
    with pytest.raises(services.CareersError) as exc:
        reports.cancel_agreement(world["agreement"], by=stranger, reason="x")
    assert exc.value.status == 404
    _cosign(world)
    with pytest.raises(services.CareersError) as exc:
        reports.cancel_agreement(world["agreement"], by=world["referent"], reason="x")
    assert exc.value.status == 409


# --- HTTP -----------------------------------------------------------------------------------------------------------

def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_http_report_flow_and_page(world):
    a = world["agreement"]
    url = reverse("careers:report", args=[a.pk])
    act = lambda name: reverse("careers:report_action", args=[a.pk, name])  # noqa: E731
    tutor, student, ref = _client(world["tutor"]), _client(world["student"]), _client(world["referent"])
    r = tutor.post(act("evaluate"), {"met-0": "yes", "comment-0": "Bien", "met-1": "no", "overall": "Très bien."})
    assert r.status_code == 302
    assert student.post(act("upload"), {"file": _file()}).status_code == 302
    assert ref.post(act("grade"), {"grade": "30"}).status_code == 422
    assert ref.post(act("grade"), {"grade": "15,5"}).status_code == 302
    assert _client(world["colleague"]).post(act("sign"), {"role": "tutor"}).status_code == 403
    assert tutor.post(act("sign"), {"role": "tutor"}).status_code == 302
    assert ref.post(act("sign"), {"role": "referent"}).status_code == 302
    page = student.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "15,50/20" in body or "15.50/20" in body
    assert tutor.post(act("evaluate"), {"met-0": "no", "met-1": "no", "overall": "x"}).status_code == 409
    assert student.get(reverse("careers:report_file", args=[a.pk])).status_code == 200
    t = student.get(reverse("courses:transcript"))
    assert t.status_code == 200 and "Assistant Ingénieur FOH" in t.content.decode()


def test_http_other_students_schools_and_employers_get_404(world):
    a = world["agreement"]
    other_school = kit.school(name="Autre")
    others = [kit.student(other_school), kit.staff_of(other_school), kit.employer("Autre employeur")[1]]
    for user in others:
        c = _client(user)
        assert c.get(reverse("careers:report", args=[a.pk])).status_code == 404
        assert c.post(reverse("careers:report_action", args=[a.pk, "grade"]), {"grade": "1"}).status_code == 404
        assert c.post(reverse("careers:agreement_cancel", args=[a.pk]), {"reason": "x"}).status_code == 404
        assert c.get(reverse("api-1.0.0:careers_agreement" if False else "careers:report_file", args=[a.pk])).status_code == 404
        assert c.get(f"/api/v1/careers/agreements/{a.pk}").status_code == 404
        assert c.get("/api/v1/careers/agreements").json()["agreements"] == []


def test_api_lists_and_details_for_the_parties(world):
    _cosign(world)
    for who in ("student", "referent", "tutor"):
        c = _client(world[who])
        data = c.get("/api/v1/careers/agreements").json()
        assert data["count"] == 1 and data["agreements"][0]["report"]["status"] == "locked"
        d = c.get(f"/api/v1/careers/agreements/{world['agreement'].pk}").json()
        assert d["ects_credits"] == "6.0" and len(d["signatures"]) == 3 and d["report"]["grade_out_of_20"] == "15.50"


def test_the_report_page_reads_in_a_bounded_number_of_queries(world):
    c = _client(world["referent"])
    url = reverse("careers:report", args=[world["agreement"].pk])
    _cosign(world)
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for i in range(3):
        reports.correct_report(world["agreement"], by=world["referent"], reason=f"Correction {i}")
        reports.sign_report(world["agreement"], by=world["tutor"], role="tutor")
        reports.sign_report(world["agreement"], by=world["referent"], role="referent")
    with CaptureQueriesContext(connection) as four:
        assert c.get(url).status_code == 200
    assert len(four) == len(one), [q["sql"][:120] for q in four.captured_queries]
    assert len(one) <= 40


# --- the report opens on the internship's last day -----------------------------------------------------------------

@pytest.mark.parametrize("day", [datetime.date(2026, 11, 30), datetime.date(2027, 7, 29)])
def test_the_report_is_neither_started_nor_cosigned_before_the_end_date(world, monkeypatch, client, day):
    from careers import selectors

    a, before = world["agreement"], FinalReport.objects.count()
    monkeypatch.setattr(selectors, "today", lambda: day)
    for attempt in (lambda: reports.evaluate(a, by=world["tutor"], evaluations=EVALS, overall="Trop tôt."),
                    lambda: reports.submit_student_report(a, by=world["student"], file=_file()),
                    lambda: reports.grade_report(a, by=world["referent"], grade="12")):
        with pytest.raises(services.CareersError) as exc:
            attempt()
        assert exc.value.status == 409 and "2027-07-30" in exc.value.english and "opens" in exc.value.english
    assert FinalReport.objects.count() == before  # nothing half-written
    client.force_login(world["referent"])
    r = client.post(reverse("careers:report_action", args=[a.pk, "grade"]), {"grade": "12"})
    assert r.status_code == 409 and "2027-07-30" in r.content.decode()
    page = client.get(reverse("careers:report", args=[a.pk]))
    assert page.status_code == 200 and 'data-testid="report-not-open"' in page.content.decode()
    assert 'name="grade"' not in page.content.decode()  # no form that would be refused


def test_a_report_filled_on_the_last_day_cannot_be_cosigned_if_the_clock_says_earlier(world, monkeypatch):
    """Co-signing checks the date too (a report written on the last day, a signature attempted with a clock before
    it, e.g. a server in another time zone): refused, nothing locked."""
    from careers import selectors

    _fill(world)
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2027, 7, 29))
    with pytest.raises(services.CareersError) as exc:
        reports.sign_report(world["agreement"], by=world["tutor"], role="tutor")
    assert exc.value.status == 409
    assert not ReportSignature.objects.exists() and reports.current_report(world["agreement"]).status == "draft"
    monkeypatch.setattr(selectors, "today", lambda: AFTER_END)
    reports.sign_report(world["agreement"], by=world["tutor"], role="tutor")
    reports.sign_report(world["agreement"], by=world["referent"], role="referent")
    assert reports.current_report(world["agreement"]).status == "locked"
