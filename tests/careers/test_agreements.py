"""The agreement ("convention de stage"): created from an accepted application, its terms checked like the offers
(French law, with the rule and the figures), signed in turn by the student, the host organisation and the school
with the SHA-256 of the exact document, voided by a change; the tutor's e-mailed link; the PDF and the public
check by hash; each party sees only their agreements."""
import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail, signing

from careers import agreement_document, services
from careers.models import Agreement, AgreementSignature, Application, TutorLink
from tests.careers import kit

pytestmark = pytest.mark.django_db

OBJECTIVES = ({"objective": "Mixer la façade d'un concert seul", "measure": "trois concerts mixés sans le tuteur"},
              {"objective": "Câbler un plateau", "measure": "un patch complet vérifié par le tuteur"})


def terms(**kw) -> services.AgreementTerms:
    base = dict(activities="Assistance au mixage façade, câblage, balances.", objectives=OBJECTIVES,
                start_date=datetime.date(2027, 5, 3), end_date=datetime.date(2027, 7, 30),
                weekly_hours=Decimal("35"), presence_days=(0, 1, 2, 3, 4), monthly_pay=Decimal("700"),
                pay_terms="Gratification mensuelle forfaitaire, versée le dernier jour du mois.",
                tutor_name="Jean Martin", tutor_role="Ingénieur façade", tutor_email="jean.martin@sonotec.example",
                absence_terms="Absences justifiées prévenues au tuteur et au référent.", insurer="MAIF",
                insurance_policy="RC-2027-118", leave_days=3)
    base.update(kw)
    return services.AgreementTerms(**base)


@pytest.fixture
def world(rates):
    s = kit.school()
    referent = kit.staff_of(s)
    emp, staff = kit.employer("Sonotec Live")
    offer = kit.offer(emp, staff)
    student = kit.student(s)
    app = services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    agreement = services.update_agreement(agreement, terms(), by=referent)
    mail.outbox.clear()
    return {"school": s, "referent": referent, "employer": emp, "staff": staff, "offer": offer, "student": student,
            "app": app, "agreement": agreement}


def _sign_all(w):
    a = w["agreement"]
    services.sign_agreement(a, by=w["student"], party="student")
    services.sign_agreement(a, by=w["staff"], party="employer")
    return services.sign_agreement(a, by=w["referent"], party="school")


# --- the document and its hash ------------------------------------------------------------------------------------

def test_the_canonical_document_is_the_same_whatever_the_order_and_its_hash_is_its_sha256():
    one = {"b": Decimal("700.00"), "a": datetime.date(2027, 5, 3), "c": ["é", 1]}
    two = {"c": ["é", 1], "a": datetime.date(2027, 5, 3), "b": Decimal("700.00")}
    assert agreement_document.canonical(one) == agreement_document.canonical(two)
    assert agreement_document.canonical(one) == '{"a":"2027-05-03","b":"700.00","c":["é",1]}'.encode()
    import hashlib

    assert agreement_document.digest(one) == hashlib.sha256(agreement_document.canonical(one)).hexdigest()
    assert agreement_document.digest(one) != agreement_document.digest({**one, "b": Decimal("700.01")})


def test_creating_needs_an_accepted_application_once(world, rates):
    with pytest.raises(services.CareersError) as exc:
        services.create_agreement(world["app"], by=world["referent"])
    assert exc.value.status == 409
    other = kit.student(world["school"])
    offer2 = kit.offer(world["employer"], world["staff"], title="Régisseur", places=2)
    pending = services.apply(offer2, other, message="Bonjour", consent_parts=[], day=kit.TODAY)
    with pytest.raises(services.CareersError) as exc:
        services.create_agreement(pending, by=world["staff"])
    assert exc.value.status == 409 and "accepted" in exc.value.english
    stranger_school = kit.staff_of(kit.school())
    services.decide(pending, by=world["staff"], action="accept", day=kit.TODAY)
    with pytest.raises(services.CareersError) as exc:
        services.create_agreement(pending, by=stranger_school)
    assert exc.value.status == 404


def test_the_agreement_is_prefilled_from_the_offer_and_the_agreed_pay(world):
    a = Agreement.objects.get(application=world["app"])
    assert a.kind == "internship" and a.school == world["school"] and a.referent == world["referent"]
    assert a.tutor_name == "Jean Martin" and a.monthly_pay == Decimal("700.00")


# --- signing ----------------------------------------------------------------------------------------------------

def test_the_parties_sign_in_turn_the_school_last_each_with_the_hash_of_the_document(world):
    a = world["agreement"]
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=world["referent"], party="school")
    assert exc.value.status == 409 and "student has not signed yet" in exc.value.english
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=world["staff"], party="employer")
    assert exc.value.status == 409
    expected = agreement_document.digest(agreement_document.content(Agreement.objects.get(pk=a.pk)))
    first = services.sign_agreement(a, by=world["student"], party="student")
    assert first.document_hash == expected and first.signer == world["student"] and first.signed_at
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=world["referent"], party="school")
    assert "host organisation has not signed yet" in exc.value.english
    services.sign_agreement(a, by=world["staff"], party="employer")
    last = services.sign_agreement(a, by=world["referent"], party="school")
    assert last.document_hash == expected
    assert Agreement.objects.get(pk=a.pk).status == "signed"
    assert set(AgreementSignature.objects.filter(agreement=a).values_list("document_hash", flat=True)) == {expected}


def test_signing_twice_or_for_another_party_is_refused(world):
    a = world["agreement"]
    services.sign_agreement(a, by=world["student"], party="student")
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=world["student"], party="student")
    assert exc.value.status == 409 and "already signed" in exc.value.english
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=world["student"], party="employer")
    assert exc.value.status == 403
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(a, by=kit.student(world["school"]), party="student")
    assert exc.value.status == 404


def test_signing_a_document_other_than_the_one_read_is_refused(world):
    with pytest.raises(services.CareersError) as exc:
        services.sign_agreement(world["agreement"], by=world["student"], party="student", document_hash="0" * 64)
    assert exc.value.status == 409 and "changed since you read it" in exc.value.english


def test_a_change_after_a_signature_voids_the_signatures_and_asks_again(world, django_capture_on_commit_callbacks):
    a = world["agreement"]
    services.sign_agreement(a, by=world["student"], party="student")
    services.sign_agreement(a, by=world["staff"], party="employer")
    old_hash = services.agreement_hash(Agreement.objects.get(pk=a.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.update_agreement(a, terms(weekly_hours=Decimal("30"), monthly_pay=Decimal("600")),
                                            by=world["staff"])
    assert changed.version == 3 and changed.status == "draft"
    assert not AgreementSignature.objects.filter(agreement=a, voided_at__isnull=True).exists()
    assert AgreementSignature.objects.filter(agreement=a, voided_at__isnull=False).count() == 2
    assert services.agreement_hash(changed) != old_hash
    subjects = [m.subject for m in mail.outbox]
    assert any("signer à nouveau" in s for s in subjects)  # the parties are asked again (French by default)
    assert any(m.to == ["jean.martin@sonotec.example"] for m in mail.outbox)  # a new link for the new document
    with pytest.raises(services.CareersError):
        services.sign_agreement(a, by=world["referent"], party="school")
    services.sign_agreement(a, by=world["student"], party="student")  # the turn starts again


def test_saving_the_same_terms_voids_nothing(world):
    a = world["agreement"]
    services.sign_agreement(a, by=world["student"], party="student")
    same = services.update_agreement(a, terms(), by=world["referent"])
    assert same.version == 2
    assert AgreementSignature.objects.filter(agreement=a, voided_at__isnull=True).count() == 1


def test_pay_below_the_legal_minimum_is_refused_with_the_rule_and_the_figures(world):
    a = world["agreement"]
    with pytest.raises(services.AgreementRefused) as exc:
        services.update_agreement(a, terms(monthly_pay=Decimal("500")), by=world["referent"])
    text = exc.value.english
    assert "15 % of the hourly social-security ceiling" in text and "L124-6" in text
    assert "4.50" in text and "682.50" in text and "pays 500" in text
    assert Agreement.objects.get(pk=a.pk).monthly_pay == Decimal("700.00")  # nothing written


def test_dates_outside_the_offer_and_missing_terms_are_refused(world):
    with pytest.raises(services.AgreementRefused) as exc:
        services.update_agreement(world["agreement"], terms(end_date=datetime.date(2027, 8, 31)),
                                  by=world["referent"])
    assert "outside the offer's dates" in exc.value.english
    with pytest.raises(services.AgreementRefused) as exc:
        services.update_agreement(world["agreement"], terms(objectives=({"objective": "Mixer", "measure": ""},),
                                                            insurer=""), by=world["referent"])
    assert "how it is measured" in exc.value.english and "the school's insurer" in exc.value.english
    with pytest.raises(services.AgreementRefused) as exc:
        services.update_agreement(world["agreement"], terms(presence_days=(0, 1, 2)), by=world["referent"])
    assert "more than 10 hours a day" in exc.value.english


def test_only_the_school_and_the_host_change_the_terms(world):
    for user in (world["student"], kit.staff_of(kit.school()), kit.employer()[1]):
        with pytest.raises(services.CareersError) as exc:
            services.update_agreement(world["agreement"], terms(leave_days=5), by=user)
        assert exc.value.status == 404


# --- the tutor's link ---------------------------------------------------------------------------------------------

def _token_from_mail() -> str:
    body = next(m.body for m in reversed(mail.outbox) if m.to == ["jean.martin@sonotec.example"])
    return re.search(r"/agreements/tutor/([^/\s]+)/", body).group(1)


def test_the_tutor_signs_once_through_the_emailed_link(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_agreement(world["agreement"], by=world["student"], party="student")
    token = _token_from_mail()  # sent when the student signed
    page = client.get(f"/careers/agreements/tutor/{token}/")
    assert page.status_code == 200 and "Mixer la façade" in page.content.decode()
    r = client.post(f"/careers/agreements/tutor/{token}/", {"name": "Jean Martin", "agree": "on"})
    assert r.status_code == 200 and "Signé par Jean Martin" in r.content.decode()
    sig = AgreementSignature.objects.get(agreement=world["agreement"], party="employer")
    assert sig.via == "link" and sig.signer is None and sig.signer_email == "jean.martin@sonotec.example"
    again = client.get(f"/careers/agreements/tutor/{token}/")
    assert again.status_code == 410 and "déjà été utilisé" in again.content.decode()


def test_an_expired_a_tampered_or_an_outdated_tutor_link_says_so(world, client, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_agreement(world["agreement"], by=world["student"], party="student")
    token = _token_from_mail()
    r = client.get(f"/careers/agreements/tutor/{token[:-2]}xx/")
    assert r.status_code == 400 and "pas valide" in r.content.decode()
    forged = signing.dumps({"a": world["agreement"].pk + 1, "l": 1, "act": "sign", "h": "0" * 64}, salt="other")
    assert client.get(f"/careers/agreements/tutor/{forged}/").status_code == 400
    other_action = signing.dumps({"a": world["agreement"].pk, "l": TutorLink.objects.first().pk, "act": "evaluate",
                                  "h": TutorLink.objects.first().document_hash}, salt=services.TUTOR_LINK_SALT)
    assert client.get(f"/careers/agreements/tutor/{other_action}/").status_code == 400
    import time

    later = time.time() + services.TUTOR_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    r = client.get(f"/careers/agreements/tutor/{token}/")
    assert r.status_code == 410 and "expiré" in r.content.decode()
    monkeypatch.undo()
    services.update_agreement(world["agreement"], terms(leave_days=4), by=world["referent"])
    r = client.post(f"/careers/agreements/tutor/{token}/", {"name": "Jean Martin", "agree": "on"})
    assert r.status_code == 409 and "a changé" in r.content.decode()
    assert not AgreementSignature.objects.filter(party="employer").exists()


# --- pages: who sees what, the PDF, the public check ----------------------------------------------------------------

def test_another_agreements_student_employer_or_school_gets_404(world, client):
    url = f"/careers/agreements/{world['agreement'].pk}/"
    outsiders = [kit.student(world["school"]), kit.employer()[1], kit.staff_of(kit.school())]
    for user in outsiders:
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(url + "agreement.pdf").status_code == 404
        assert client.post(url + "sign/", {"party": "student"}).status_code == 404
        assert client.get(url + "edit/").status_code == 404
        assert world["agreement"].pk not in [a.pk for a in services.selectors.agreements_for(user)]
    client.force_login(world["student"])
    assert client.get(url).status_code == 200
    assert client.get(url + "edit/").status_code == 403  # the student reads and signs, never changes the terms
    r = client.post(url + "sign/", {"party": "school"})
    assert r.status_code == 403


def test_the_pdf_carries_the_hash_and_the_check_page_matches_or_not(world, client):
    _sign_all(world)
    a = Agreement.objects.get(pk=world["agreement"].pk)
    h = services.agreement_hash(a)
    client.force_login(world["student"])
    fr = client.get(f"/careers/agreements/{a.pk}/agreement.pdf")
    en = client.get(f"/careers/agreements/{a.pk}/agreement.pdf?lang=en")
    assert fr.status_code == 200 and fr["Content-Type"] == "application/pdf" and fr.content.startswith(b"%PDF")
    assert fr.content != en.content
    assert "-fr.pdf" in fr["Content-Disposition"] and "-en.pdf" in en["Content-Disposition"]
    client.logout()
    ok = client.get(f"/careers/agreements/check/{h}/")
    html = ok.content.decode()
    assert ok.status_code == 200 and "Ce document correspond à la convention signée le" in html
    assert "Sonotec Live" in html and a.school.name in html
    assert world["student"].get_display_name() in html and world["referent"].get_display_name() in html
    bad = client.get(f"/careers/agreements/check/?hash={'f' * 64}")
    assert bad.status_code == 404 and "ne correspond à aucune convention" in bad.content.decode()
    assert client.get("/careers/agreements/check/?hash=<script>").status_code == 404
    en_page = client.get(f"/en/careers/agreements/check/{h}/").content.decode()
    assert "This document matches the agreement signed on" in en_page


def test_a_document_changed_after_signing_does_not_match(world, client):
    _sign_all(world)
    old = services.agreement_hash(Agreement.objects.get(pk=world["agreement"].pk))
    services.update_agreement(world["agreement"], terms(leave_days=6), by=world["referent"])
    r = client.get(f"/careers/agreements/check/{old}/")
    assert r.status_code == 404 and "ne correspond pas à une convention signée" in r.content.decode()


def test_pdf_text_is_french_by_default_and_english_on_request(world):
    from careers import agreement_pdf

    a = Agreement.objects.get(pk=world["agreement"].pk)
    from django.utils import translation

    with translation.override("fr"):
        title, parts = agreement_pdf.sections(a, {})
    assert title == "Convention de stage" and any(h == "Objectifs pédagogiques et leur mesure" for h, _l in parts)
    with translation.override("en"):
        title, parts = agreement_pdf.sections(a, {})
    assert title == "Internship agreement"


# --- one journey over HTTP ---------------------------------------------------------------------------------------

def test_journey_open_complete_sign_in_turn_tutor_link_pdf_and_check(rates, client, django_capture_on_commit_callbacks):
    s = kit.school()
    referent = kit.staff_of(s)
    emp, staff = kit.employer("Sonotec Live")
    offer = kit.offer(emp, staff)
    student = kit.student(s)
    app = services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)

    client.force_login(staff)  # the host opens the agreement from the application
    r = client.post(f"/careers/applications/{app.pk}/agreement/")
    a = Agreement.objects.get(application=app)
    assert r.status_code == 302 and r["Location"].endswith(f"/agreements/{a.pk}/edit/")
    client.force_login(referent)  # the school completes it (a pay under the minimum first)
    form = {"activities": "Assistance façade", "objectives": "Mixer seul | trois concerts\nCâbler | un patch vérifié",
            "start_date": "2027-05-03", "end_date": "2027-07-30", "weekly_hours": "35",
            "presence_days": ["0", "1", "2", "3", "4"], "monthly_pay": "600", "pay_terms": "Mensuelle",
            "tutor_name": "Jean Martin", "tutor_role": "Ingénieur façade", "tutor_email": "jm@sonotec.example",
            "leave_days": "2", "absence_terms": "Prévenir le tuteur", "insurer": "MAIF", "insurance_policy": "RC-1",
            "referent": str(referent.pk), "ects_credits": "6"}
    r = client.post(f"/careers/agreements/{a.pk}/edit/", form)
    assert r.status_code == 422 and "682,50" in r.content.decode()
    r = client.post(f"/careers/agreements/{a.pk}/edit/", {**form, "monthly_pay": "700"})
    assert r.status_code == 302
    page = client.get(f"/careers/agreements/{a.pk}/").content.decode()
    h = services.agreement_hash(Agreement.objects.get(pk=a.pk))
    assert h in page and "En attente des signatures" in page

    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/careers/agreements/{a.pk}/sign/", {"party": "student", "document_hash": h})
    assert r.status_code == 302
    assert any("Convention" in m.subject for m in mail.outbox if m.to == [student.email])  # the parties are told
    tutor_mail = next(m for m in mail.outbox if m.to == ["jm@sonotec.example"])
    assert "expire dans 14 jours" in tutor_mail.body
    token = re.search(r"/agreements/tutor/([^/\s]+)/", tutor_mail.body).group(1)
    client.logout()
    assert client.post(f"/careers/agreements/tutor/{token}/", {"name": "Jean Martin", "agree": "on"}).status_code == 200
    client.force_login(referent)
    assert client.post(f"/careers/agreements/{a.pk}/sign/", {"party": "school", "document_hash": h}).status_code == 302
    assert Agreement.objects.get(pk=a.pk).status == "signed"
    assert client.get(f"/careers/agreements/{a.pk}/agreement.pdf").content.startswith(b"%PDF")
    client.logout()
    check = client.get(f"/careers/agreements/check/{h}/").content.decode()
    assert "Ce document correspond à la convention signée" in check and "Jean Martin" in check


def test_the_students_personal_data_export_holds_the_agreement_and_signatures(world):
    import json

    from careers import personal_data

    services.sign_agreement(world["agreement"], by=world["student"], party="student")
    data = personal_data.export(world["student"])
    assert [a["id"] for a in data["agreements"]] == [world["agreement"].pk]
    assert data["agreement_signatures"][0]["document_hash"] == services.agreement_hash(
        Agreement.objects.get(pk=world["agreement"].pk))
    json.dumps(data, default=str)


def test_voiding_is_kept_in_the_signatures_history(world):
    a = world["agreement"]
    sig = services.sign_agreement(a, by=world["student"], party="student")
    services.update_agreement(a, terms(leave_days=7), by=world["referent"])
    versions = list(AgreementSignature.history.filter(id=sig.pk).order_by("history_date"))
    assert [v.voided_at is None for v in versions] == [True, False]
    assert Agreement.history.filter(id=a.pk).count() >= 3  # created, completed, changed


def test_an_apprenticeship_agreement_holds_its_contract_and_the_apprentices_own_minimum(world):
    o = kit.offer(world["employer"], world["staff"], kind="apprenticeship", start_date=datetime.date(2027, 9, 1),
                  end_date=datetime.date(2028, 8, 31), expires_on=datetime.date(2027, 8, 1), pay_monthly=Decimal(850),
                  track="tech")
    student = kit.student(world["school"])
    services.save_career_profile(student, birth_date=datetime.date(2005, 3, 1))  # 22 at the start
    app = services.apply(o, student, message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app, by=world["staff"], action="accept")
    a = services.create_agreement(Application.objects.get(pk=app.pk), by=world["referent"])
    assert a.kind == "apprenticeship" and a.track == "tech"
    appr = dict(start_date=o.start_date, end_date=o.end_date, track="tech", rhythm="2/3", contract_year=1)
    with pytest.raises(services.AgreementRefused) as exc:  # the offer's pay is below a 22-year-old's minimum
        services.update_agreement(a, terms(monthly_pay=Decimal(850), **appr), by=world["referent"])
    assert "This apprentice is 22" in exc.value.english and "966.21" in exc.value.english
    a = services.update_agreement(a, terms(monthly_pay=Decimal("966.21"), **appr), by=world["referent"])
    doc = agreement_document.content(a)
    assert doc["apprenticeship"] == {"track": "tech", "rhythm": "2/3", "contract_year": 1}
    from careers import agreement_pdf

    title, parts = agreement_pdf.sections(a, {})
    assert title == "Convention d'apprentissage" and any(h == "Contrat d'apprentissage" for h, _l in parts)


# --- the ECTS credits are part of the signed document --------------------------------------------------------------

def test_the_signed_document_and_its_pdf_carry_the_ects_and_a_change_voids_the_signatures(world):
    from django.utils import translation

    from careers import agreement_pdf

    a = services.update_agreement(world["agreement"], terms(ects_credits=Decimal("6")), by=world["referent"])
    doc = agreement_document.content(Agreement.objects.get(pk=a.pk))
    assert doc["ects_credits"] == Decimal("6.0") and doc["schema"] == "flowstage-agreement/2"
    assert b'"ects_credits":"6.0"' in agreement_document.canonical(doc)
    _sign_all({**world, "agreement": a})
    signed_hash = services.agreement_hash(Agreement.objects.get(pk=a.pk))
    with translation.override("fr"):
        _title, parts = agreement_pdf.sections(Agreement.objects.get(pk=a.pk), {})
    ects = dict(parts)["Crédits ECTS"]
    assert ects == ["6 crédits ECTS, validés à la co-signature du rapport final par le tuteur et le référent "
                    "pédagogique."]
    with translation.override("en"):
        _title, parts = agreement_pdf.sections(Agreement.objects.get(pk=a.pk), {})
    assert dict(parts)["ECTS credits"][0].startswith("6 ECTS credits")
    pdf = agreement_pdf.render(Agreement.objects.get(pk=a.pk), {}, lang="fr", verify_url="https://x.test/c/",
                               document_hash=signed_hash)
    assert pdf.startswith(b"%PDF")

    a = services.update_agreement(a, terms(ects_credits=Decimal("5")), by=world["referent"])  # a change of credits
    a = Agreement.objects.get(pk=a.pk)
    assert a.status == "draft" and services.agreement_hash(a) != signed_hash
    assert not AgreementSignature.objects.filter(agreement=a, voided_at__isnull=True).exists()
