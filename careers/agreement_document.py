"""The document the parties of an agreement sign, and its fingerprint. Pure: no Django import.

Rules, stated once:
- What is signed is ``content(agreement)``: every term of the agreement and the names of the parties, nothing about
  its signatures, its status or when it was saved (so signing does not change what was signed).
- ``canonical(content)`` is the one serialisation of it: JSON, keys sorted, no insignificant whitespace, UTF-8
  (not ASCII-escaped), Decimals and dates as strings (``"700.00"``, ``"2027-05-03"``). The same content always gives
  the same bytes, whatever the order the fields were set in.
- The ECTS credits the internship will validate (on the co-signed final report) are part of the document (schema 2):
  a change of them voids the signatures like any other term.
- ``digest(content)`` is the SHA-256 of those bytes in lowercase hexadecimal (64 characters): what each signature
  records, what the PDF prints and what the public check page looks up.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

SCHEMA = "flowstage-agreement/2"  # 2: the ECTS credits are signed
HASH_LENGTH = 64


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_plain).encode("utf-8")


def digest(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def is_digest(text: str) -> bool:
    return len(text) == HASH_LENGTH and all(c in "0123456789abcdef" for c in text)


def _person(user) -> dict:
    if user is None:
        return {"name": "", "email": ""}
    return {"name": user.get_display_name(), "email": user.email}


def content(agreement) -> dict:
    """The terms of ``agreement`` (a ``careers.models.Agreement`` with its application, offer, employer, school and
    referent) as plain data."""
    app = agreement.application
    offer = app.offer
    doc = {
        "schema": SCHEMA,
        "agreement": agreement.pk,
        "kind": agreement.kind,
        "student": _person(app.student),
        "host": {"name": offer.employer.name, "city": offer.city, "position": offer.title},
        "tutor": {"name": agreement.tutor_name, "role": agreement.tutor_role, "email": agreement.tutor_email},
        "school": {"name": agreement.school.name},
        "referent": _person(agreement.referent),
        "activities": agreement.activities,
        "objectives": [{"objective": o["objective"], "measure": o["measure"]} for o in agreement.objectives],
        "start": agreement.start_date,
        "end": agreement.end_date,
        "weekly_hours": Decimal(agreement.weekly_hours).quantize(Decimal("0.1")),
        "presence_days": sorted(int(d) for d in agreement.presence_days),
        "monthly_pay": Decimal(agreement.monthly_pay).quantize(Decimal("0.01")),
        "pay_terms": agreement.pay_terms,
        "leave_days": int(agreement.leave_days),
        "absence_terms": agreement.absence_terms,
        "insurance": {"insurer": agreement.insurer, "policy": agreement.insurance_policy},
        "ects_credits": Decimal(agreement.ects_credits or 0).quantize(Decimal("0.1")),
    }
    if agreement.kind == "apprenticeship":
        doc["apprenticeship"] = {"track": agreement.track, "rhythm": agreement.rhythm,
                                 "contract_year": int(agreement.contract_year)}
    return doc
