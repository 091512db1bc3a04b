"""Holder pages and files, public verification, upload, API, staff pages, command, selectors."""
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from badges import media, selectors, services
from badges.models import BulkIssuance, Credential
from badges_testkit import celery_eager, credential, doc_of, issue, make_achievement, passed_attempt  # noqa: F401
from tests.confirming import confirm_form, post_confirmed
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


@pytest.fixture
def holder_client(client, student):
    client.force_login(student)
    return client


def test_my_badges_and_detail(holder_client, student):
    cred = issue(student)
    other = issue()
    resp = holder_client.get("/badges/mine/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Audio Engineer" in html and f"/badges/{cred.pk}/" in html and str(other.pk) not in html
    resp = holder_client.get(f"/badges/{cred.pk}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert f"/v/{cred.short_id}/" in html
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    assert holder_client.get(f"/badges/{other.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, credential):
    resp = client.get(f"/badges/{credential.pk}/credential.json")
    assert resp.status_code == 302 and "login" in resp["Location"]


def test_downloads(holder_client, student):
    cred = issue(student)
    resp = holder_client.get(f"/badges/{cred.pk}/credential.json")
    assert resp["Content-Type"] == "application/ld+json"
    assert resp.content.decode() == cred.signed_json
    png = holder_client.get(f"/badges/{cred.pk}/badge.png")
    assert png["Content-Type"] == "image/png"
    assert media.extract_from_png(png.content) == cred.signed_json
    from PIL import Image
    Image.open(io.BytesIO(png.content)).verify()
    svg = holder_client.get(f"/badges/{cred.pk}/badge.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert "<openbadges:credential>" in svg.content.decode()
    assert json.loads(media.extract_from_svg(svg.content)) == doc_of(cred)
    qr = holder_client.get(f"/badges/{cred.pk}/qr.png")
    assert qr["Content-Type"] == "image/png" and qr.content.startswith(media.PNG_SIGNATURE)
    assert holder_client.get(f"/badges/{cred.pk}/qr.svg").content.startswith(b"<?xml")
    for lang in ("fr", "en"):
        pdf = holder_client.get(f"/badges/{cred.pk}/certificate.pdf?lang={lang}")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert f"certificate-{lang}.pdf" in pdf["Content-Disposition"]


def test_qr_encodes_the_short_verification_url(credential):
    url = services.short_url(credential.short_id)
    assert url == f"http://127.0.0.1:8000/v/{credential.short_id}/" and len(url) < 50
    # The matrix we render is exactly the one of that URL (decoded with zbar when available).
    png = media.qr_png(url)
    try:
        from pyzbar.pyzbar import decode
        from PIL import Image
    except ImportError:
        assert media.qr_matrix(url) == media._qr(url).get_matrix()
    else:
        assert decode(Image.open(io.BytesIO(png)))[0].data.decode() == url


def test_short_link_redirects_to_the_public_page(client, credential):
    resp = client.get(f"/v/{credential.short_id}/")
    assert resp.status_code == 302 and resp["Location"] == f"/verify/{credential.pk}/"
    resp = client.get(f"/v/{credential.short_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp["Location"] == f"/en/verify/{credential.pk}/"


def test_public_page_valid_then_revoked(client, credential):
    resp = client.get(f"/verify/{credential.pk}/")
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-verdict="VALID"' in html
    assert credential.user.get_display_name() in html
    resp = client.get(f"/en/verify/{credential.pk}/")
    assert resp.status_code == 200 and "Technical checks" in resp.content.decode()
    services.revoke_credential(credential, reason="Fraud")
    assert 'data-verdict="REVOKED"' in client.get(f"/verify/{credential.pk}/").content.decode()


def test_privacy_switch(client, student):
    cred = issue(student)
    name = student.get_display_name()
    client.force_login(student)
    resp = client.post(f"/badges/{cred.pk}/", {"privacy": "minimal"})
    assert resp.status_code == 302
    client.logout()
    html = client.get(f"/verify/{cred.pk}/").content.decode()
    assert 'data-verdict="VALID"' in html and name not in html
    Credential.objects.filter(pk=cred.pk).update(privacy="hidden")
    resp = client.get(f"/verify/{cred.pk}/")
    assert resp.status_code == 404 and "VALID" not in resp.content.decode()
    assert client.get(f"/credentials/{cred.pk}").status_code == 404
    client.force_login(student)
    assert client.post(f"/badges/{cred.pk}/", {"privacy": "everything"}).status_code == 200


def test_upload_page_accepts_json_png_svg_and_paste(client, student):
    cred = issue(student)
    png = media.bake_png(media.badge_png("X", size=60), cred.signed_json)
    svg = media.bake_svg(media.badge_svg("X"), cred.signed_json).encode()
    for name, data in (("c.json", cred.signed_json.encode()), ("b.png", png), ("b.svg", svg)):
        resp = client.post("/badges/verify/", {"file": SimpleUploadedFile(name, data)})
        assert resp.status_code == 200 and 'data-verdict="VALID"' in resp.content.decode(), name
    resp = client.post("/badges/verify/", {"text": cred.signed_json})
    assert 'data-verdict="VALID"' in resp.content.decode()
    resp = client.post("/badges/verify/", {})
    assert resp.status_code == 400
    resp = client.post("/badges/verify/", {"file": SimpleUploadedFile("x.gif", b"GIF89a....")})
    assert resp.status_code == 400


def test_api_verify(client, credential):
    resp = client.post("/api/v1/credentials/verify", data=credential.signed_json.encode(),
                       content_type="application/json")
    assert resp.status_code == 200
    data = resp.json()
    assert data["verdict"] == "VALID"
    assert {c["name"] for c in data["checks"]} == {"structure", "proof", "verification_method", "issuer", "log",
                                                     "status", "validity"}
    assert all(c["ok"] for c in data["checks"])


def test_management_command_exit_codes(tmp_path, credential):
    good = tmp_path / "good.json"
    good.write_text(credential.signed_json)
    with pytest.raises(SystemExit) as exc:
        call_command("verify_credential", str(good))
    assert exc.value.code == 0
    bad = tmp_path / "bad.json"
    doc = doc_of(credential)
    doc["name"] = "Changed"
    bad.write_text(json.dumps(doc))
    with pytest.raises(SystemExit) as exc:
        call_command("verify_credential", str(bad))
    assert exc.value.code == 1
    png = tmp_path / "b.png"
    png.write_bytes(media.bake_png(media.badge_png("X", size=40), credential.signed_json))
    with pytest.raises(SystemExit) as exc:
        call_command("verify_credential", str(png))
    assert exc.value.code == 0
    with pytest.raises(SystemExit) as exc:
        call_command("verify_credential", str(tmp_path / "missing.json"))
    assert exc.value.code == 2


def test_staff_page_access(client, student, fs_staff):
    assert client.get("/badges/staff/").status_code == 302
    client.force_login(student)
    assert client.get("/badges/staff/").status_code == 403
    client.force_login(fs_staff)
    assert client.get("/badges/staff/").status_code == 200


def test_staff_issues_and_revokes(client, fs_staff):
    ach = make_achievement()
    recipient = make_user("student", email="recipient@example.test")
    client.force_login(fs_staff)
    resp = client.post("/badges/staff/", {"action": "issue", "issue-email": "recipient@example.test",
                                          "issue-achievement": ach.pk, "issue-narrative": "Great"})
    assert resp.status_code == 302
    cred = Credential.objects.get(user=recipient)
    assert cred.issued_by == fs_staff
    resp = client.post("/badges/staff/", {"action": "issue", "issue-email": "nobody@example.test",
                                          "issue-achievement": ach.pk})
    assert resp.status_code == 200 and Credential.objects.count() == 1
    assert client.post(f"/badges/staff/{cred.pk}/revoke/", {"reason": ""}).status_code == 302
    cred.refresh_from_db()
    assert cred.revoked_at is None
    post_confirmed(client, f"/badges/staff/{cred.pk}/revoke/", {"reason": "Issued by mistake"})
    cred.refresh_from_db()
    assert cred.revoked_at and cred.revocation_reason == "Issued by mistake"
    resp = client.post("/badges/staff/", {"action": "rotate"})
    assert resp.status_code == 302


def test_revoking_asks_first_and_a_token_for_another_badge_revokes_nothing(client, fs_staff):
    first, second = issue(), issue()
    client.force_login(fs_staff)
    resp = client.post(f"/badges/staff/{first.pk}/revoke/", {"reason": "Issued by mistake"})
    html = resp.content.decode()
    assert resp.status_code == 200 and "Révoquer cette attestation ?" in html and "Issued by mistake" in html
    assert first.user.get_display_name() in html
    first.refresh_from_db()
    assert first.revoked_at is None  # asking changed nothing
    action, fields = confirm_form(resp)
    # the same confirmation posted to another badge's address does not revoke it
    again = client.post(f"/badges/staff/{second.pk}/revoke/", fields)
    assert again.status_code == 200 and 'id="confirm"' in again.content.decode()
    second.refresh_from_db()
    assert second.revoked_at is None
    assert client.post(action, fields).status_code == 302
    first.refresh_from_db()
    assert first.revoked_at and first.revocation_reason == "Issued by mistake"


def test_a_passed_exam_result_links_to_the_badge_issued(client, celery_eager, django_capture_on_commit_callbacks):
    from exams.models import Attempt
    from exams.signals import certification_passed

    attempt = passed_attempt()
    make_achievement(certification=attempt.exam.certification)
    client.force_login(attempt.user)
    url = f"/exams/attempts/{attempt.pk}/result/"
    html = client.get(url).content.decode()
    assert "est en cours de délivrance" in html and 'href="/badges/mine/"' in html  # the task has not run yet
    with django_capture_on_commit_callbacks(execute=True):
        certification_passed.send(sender=Attempt, attempt=attempt)
    cred = Credential.objects.get(attempt=attempt)
    html = client.get(url).content.decode()
    assert "vous a été délivré" in html and f'href="/badges/{cred.pk}/"' in html
    failed = passed_attempt(passed=False, final_pct="60")
    client.force_login(failed.user)
    assert 'class="alert alert--success reward"' not in client.get(f"/exams/attempts/{failed.pk}/result/").content.decode()


def test_student_cannot_revoke(client, student, credential):
    client.force_login(student)
    assert client.post(f"/badges/staff/{credential.pk}/revoke/", {"reason": "x"}).status_code == 403


def test_bulk_issuance_for_a_cohort_with_progress(client, fs_staff, django_capture_on_commit_callbacks):
    from partnerships.models import Cohort, CohortMembership, Programme, School

    school = School.objects.create(name="La Fémis")
    programme = Programme.objects.create(school=school, name="Son", domain="sound", degree_level=3)
    cohort = Cohort.objects.create(programme=programme, graduation_year=2026)
    students = [make_user("student", email=f"s{i}@example.test") for i in range(3)]
    for s in students:
        CohortMembership.objects.create(cohort=cohort, user=s)
    issue(students[0], make_achievement())  # already has it: skipped
    ach = make_achievement()
    client.force_login(fs_staff)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/badges/staff/", {
            "action": "bulk", "bulk-cohort": cohort.pk, "bulk-achievement": ach.pk,
            "bulk-narrative": "Cohort 2026", "bulk-narratives": "s2@example.test | Best live mix of the year"})
    assert resp.status_code == 302
    job = BulkIssuance.objects.get()
    progress = client.get(f"/badges/staff/bulk/{job.pk}/progress.json").json()
    assert progress == {"status": "done", "status_label": "Terminé", "total": 3, "issued": 2, "skipped": 1, "failed": 0, "processed": 3,
                        "percent": 100, "errors": []}
    assert Credential.objects.get(user=students[2]).narrative == "Best live mix of the year"
    assert Credential.objects.get(user=students[1]).narrative == "Cohort 2026"
    assert client.get(f"/badges/staff/bulk/{job.pk}/").status_code == 200


def test_selectors_contract_and_bounded_queries(student, django_assert_num_queries):
    creds = [issue(student) for _ in range(3)]
    services.revoke_credential(creds[0], reason="x")
    with django_assert_num_queries(1):
        rows = selectors.credentials_for_user(student)
    assert len(rows) == 3
    assert set(rows[0]) == {"id", "name", "achievement", "issued_on", "valid_until", "status", "verify_url",
                            "verify_path", "public", "kind", "credits"}
    assert {r["kind"] for r in rows} == {"certification"} and {r["credits"] for r in rows} == {None}
    assert {r["verify_path"] for r in rows} == {f"/v/{c.short_id}/" for c in creds}  # for pages, on any address
    assert sorted(r["status"] for r in rows) == ["revoked", "valid", "valid"]
    other = make_user("student")
    with django_assert_num_queries(1):
        by_user = selectors.credentials_by_user([student.pk, other.pk])
    assert len(by_user[student.pk]) == 3 and by_user[other.pk] == []


def test_public_verify_page_query_count(client, credential, django_assert_max_num_queries):
    from badges import transparency

    transparency.publish_tree_head(force=True)  # the steady state: a signed tree head covers the credential
    # 12 before the issuance log; its check reads the entry, the latest tree head and its proof's nodes (3)
    with django_assert_max_num_queries(15):
        resp = client.get(f"/verify/{credential.pk}/")
    assert b'data-check="log"' in resp.content


def test_navigation_entries_resolve(student, fs_staff):
    from lms.navigation import nav_for

    assert "badges:mine" in {i["name"] for i in nav_for(student)}
    assert "badges:staff" in {i["name"] for i in nav_for(fs_staff)}
    assert Path(__file__)


def test_bulk_issuance_stores_baked_png_and_qr(fs_staff, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    students = [make_user("student") for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.start_bulk_issuance(achievement=make_achievement(), created_by=fs_staff,
                                     recipients=[{"user_id": s.pk} for s in students])
    for cred in Credential.objects.all():
        with default_storage.open(f"badges/{cred.pk}/badge.png") as f:
            assert media.extract_from_png(f.read()) == cred.signed_json
        assert default_storage.exists(f"badges/{cred.pk}/qr.png")


def test_openapi_documents_the_verify_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/credentials/verify"]
    assert client.get("/badges/").status_code == 302


def test_the_bare_verify_address_leads_to_the_upload_verifier(client):
    for prefix in ("", "/en"):
        response = client.get(f"{prefix}/verify/")
        assert response.status_code == 302
        assert response["Location"] == f"{prefix}/badges/verify/"
        assert client.get(response["Location"]).status_code == 200


def test_staff_list_says_which_holders_never_activated_their_account(client, fs_staff):
    dormant = make_user("student", email="dormant@example.test")
    dormant.set_unusable_password()
    dormant.save()
    issue(user=dormant)
    issue(user=make_user("student", email="active@example.test"))  # has a password: activated
    client.force_login(fs_staff)
    html = client.get("/badges/staff/").content.decode()
    rows = {email: html[html.index(email):html.index("</td>", html.index(email))]
            for email in ("dormant@example.test", "active@example.test")}
    assert 'data-testid="not-activated"' in rows["dormant@example.test"]
    assert 'data-testid="not-activated"' not in rows["active@example.test"]
    assert "1 titulaire de cette liste n’a jamais activé son compte" in html
    dormant.last_login = timezone.now()  # signed in once (e.g. through a reset link): activated
    dormant.save()
    assert 'data-testid="not-activated"' not in client.get("/badges/staff/").content.decode()
