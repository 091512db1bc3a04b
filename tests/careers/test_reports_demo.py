"""The demo holds a completed internship: agreement signed, final report co-signed, 6 ECTS on the transcript, the
internship's credential; seeding twice changes nothing."""
import io

import pytest
from django.core.management import call_command

from careers.models import FinalReport
from courses.models import CreditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.demo]


def test_demo_has_a_completed_internship_with_ects_and_credential():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "internship at Sonotec Live completed" in out.getvalue(), out.getvalue()[-2000:]
    report = FinalReport.objects.get(status="locked")
    agreement = report.agreement
    assert agreement.status == "signed" and agreement.application.offer.employer.name == "Sonotec Live"
    assert report.signatures.filter(voided_at__isnull=True).count() == 2
    assert report.credential.achievement.name_fr == "Stage — Assistant Ingénieur FOH, Sonotec Live, 3 mois, 6 ECTS"
    credits = CreditRecord.objects.filter(source="internship")
    assert credits.count() == 1 and str(credits.get().ects) == "6.0"
    call_command("seed_demo", stdout=io.StringIO())
    assert FinalReport.objects.count() == 1 and CreditRecord.objects.filter(source="internship").count() == 1
