"""The careers part of ``manage.py seed_demo`` (idempotent: a second run changes nothing), one module per stage of a
student's path, run in this order:

1. ``offers``: employers, 31 offers across the brief's fields (the brief's card, Sonotec Live's "Assistant Ingénieur
   FOH", that Marie ranks first), schools' partners, referent and calendars, students' search settings,
   applications in every state, a priority offer;
2. ``followup``: agreements during the internship — Marie's at Sonotec Live past its midpoint with its mid-term
   evaluation submitted and her contacts, one before its midpoint, one past it with the evaluation pending, and one
   awaiting signatures;
3. ``reports``: an internship completed last season (report co-signed, 6 ECTS, the internship's credential);
4. ``outcomes``: the 2025 promotion's placements, outcomes and six-month survey, satisfaction answers, service
   requests: the placement figures of the dashboards.
"""
from __future__ import annotations

from .. import selectors
from . import followup, offers, outcomes, reports


def seed(out):
    today = selectors.today()
    offers.seed(out)
    followup.seed(out, today)
    reports.seed(out, today)
    outcomes.seed(out)
    offers.summary(out, today)
