"""Lifecycle services, invoices, tier history, renewals task (e-mails, once per term)."""
import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from partnerships import lifecycle, services
from partnerships.models import Invoice, Partnership, PartnershipTransition, SchoolMember
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_transition_is_recorded_and_invalid_one_is_refused(partnership_a, staff_a):
    services.transition(partnership_a, "renewal_due", by=staff_a, on=datetime.date(2026, 11, 10))
    partnership_a.refresh_from_db()
    assert partnership_a.status == "renewal_due"
    t = PartnershipTransition.objects.get()
    assert (t.from_status, t.to_status, t.by) == ("active", "renewal_due", staff_a)
    with pytest.raises(lifecycle.TransitionError, match="renewal_due"):
        services.transition(partnership_a, "pilot")
    partnership_a.refresh_from_db()
    assert partnership_a.status == "renewal_due"
    assert PartnershipTransition.objects.count() == 1


def test_prospect_pilot_active_drafts_first_invoice(school_a, tiers):
    p = services.create_partnership(school_a, tiers["certified"])
    assert p.status == "prospect" and p.annual_fee == Decimal("2500.00")
    services.start_pilot(p, start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 6, 30))
    assert not Invoice.objects.exists()  # the pilot is not invoiced
    services.activate(p, start_date=datetime.date(2026, 7, 1))
    p.refresh_from_db()
    assert (p.status, p.end_date) == ("active", datetime.date(2027, 6, 30))
    inv = Invoice.objects.get()
    assert inv.amount == Decimal("2500.00") and inv.status == "draft" and inv.number == "FS-2026-0001"
    assert (inv.period_start, inv.period_end) == (datetime.date(2026, 7, 1), datetime.date(2027, 6, 30))


def test_renewal_extends_term_with_new_invoice_and_tier_change_in_history(partnership_a, tiers):
    services.transition(partnership_a, "renewal_due")
    services.renew(partnership_a, tier=tiers["strategic"])
    p = Partnership.objects.get(pk=partnership_a.pk)
    assert p.status == "renewed" and p.tier.code == "strategic" and p.annual_fee == Decimal("25000.00")
    assert (p.start_date, p.end_date) == (datetime.date(2027, 1, 5), datetime.date(2028, 1, 4))
    inv = Invoice.objects.get(period_start=datetime.date(2027, 1, 5))
    assert inv.amount == Decimal("25000.00") and inv.number == "FS-2027-0001"
    tiers_in_history = [h.tier.code for h in p.history.order_by("history_date", "history_id")]
    assert tiers_in_history[0] == "premium" and tiers_in_history[-1] == "strategic"


def test_change_tier_downgrade_kept_in_history(partnership_a, tiers, staff_a):
    from django.utils import translation

    with translation.override("en"):
        services.change_tier(partnership_a, tiers["certified"], by=staff_a)
    latest = partnership_a.history.first()
    assert latest.tier.code == "certified" and "downgrade" in latest.history_change_reason
    assert latest.history_user == staff_a


def test_invoice_status_flow(partnership_a):
    inv = services.create_invoice(partnership_a, datetime.date(2026, 1, 5), datetime.date(2027, 1, 4))
    assert services.create_invoice(partnership_a, datetime.date(2026, 1, 5), datetime.date(2027, 1, 4)) == inv
    services.set_invoice_status(inv, "sent", on=datetime.date(2026, 1, 6))
    services.set_invoice_status(inv, "paid", on=datetime.date(2026, 2, 1))
    inv.refresh_from_db()
    assert (inv.status, inv.issued_on, inv.paid_on) == ("paid", datetime.date(2026, 1, 6), datetime.date(2026, 2, 1))
    with pytest.raises(services.ServiceError):
        services.set_invoice_status(inv, "draft")
    with pytest.raises(services.ServiceError):
        services.create_invoice(partnership_a, datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


def test_invoice_negative_amount_refused_by_database(partnership_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(partnership=partnership_a, number="X-1", amount=Decimal("-1"),
                               period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))


def test_open_due_renewals_notifies_school_staff_and_flowstage_staff_once_per_term(
        partnership_a, staff_a, staff_b, django_capture_on_commit_callbacks):
    fs = make_user("flowstage_staff")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=partnership_a.school, user=teacher, role="teacher")
    too_early = datetime.date(2026, 11, 4)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_due_renewals(too_early) == []
    assert not mail.outbox
    day = datetime.date(2026, 11, 5)  # 60 days before 2027-01-04
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_due_renewals(day) == [partnership_a.pk]
    partnership_a.refresh_from_db()
    assert partnership_a.status == "renewal_due" and partnership_a.renewal_opened_for == partnership_a.end_date
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([staff_a.email, fs.email])  # not staff of another school, not teachers
    assert "École A" in mail.outbox[0].subject
    # idempotent: the next days, nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_due_renewals(day + datetime.timedelta(days=1)) == []
    assert len(mail.outbox) == 2
    # renewed: a new term, so a new notice 60 days before its end
    services.renew(partnership_a)
    partnership_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_due_renewals(datetime.date(2027, 11, 5)) == [partnership_a.pk]
    assert len(mail.outbox) == 4


def test_beat_task_is_registered_and_runs(partnership_a, django_capture_on_commit_callbacks):
    from django.conf import settings

    from partnerships import tasks

    assert settings.CELERY_BEAT_SCHEDULE["open-renewals"]["task"] == tasks.open_due_renewals.name
    with django_capture_on_commit_callbacks(execute=True):
        opened = tasks.open_due_renewals.apply().get()
    partnership_a.refresh_from_db()
    due = partnership_a.end_date - datetime.timedelta(days=60) <= datetime.date.today()
    assert opened == ([partnership_a.pk] if due else [])
