"""The agreement as a PDF, in French (English on request): every term, the signatures with who and when, the
SHA-256 of the document signed and the public verification URL (with its QR code). Drawn with reportlab and the
fonts and QR code of the badges' PDF certificate (``badges.media``)."""
from __future__ import annotations

import io
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from badges import media

from . import agreement_document
from .models import WEEKDAY_CHOICES, Agreement, Party


def _money(value) -> str:
    return formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True) + " €"


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _plain_number(value: Decimal) -> Decimal:
    """6.0 → 6, 7.5 → 7.5 (for display)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def sections(agreement: Agreement, signatures: dict) -> tuple[str, list[tuple[str, list[str]]]]:
    """The title and the (heading, lines) of the document, in the active language."""
    doc = agreement_document.content(agreement)
    title = _("Internship agreement") if agreement.kind == "internship" else _("Apprenticeship agreement")
    days = dict(WEEKDAY_CHOICES)
    parts = [
        (_("The parties"), [
            _("Student: %(name)s (%(email)s)") % doc["student"],
            _("Host organisation: %(name)s, %(city)s — position: %(position)s") % doc["host"],
            _("Tutor: %(name)s, %(role)s %(email)s") % doc["tutor"],
            _("School: %(name)s") % doc["school"],
            _("Referent teacher: %(name)s (%(email)s)") % doc["referent"],
        ]),
        (_("Activities"), agreement.activities.splitlines() or ["—"]),
        (_("Learning objectives and how each is measured"),
         [f"{i}. {o['objective']} — {o['measure']}" for i, o in enumerate(agreement.objectives, start=1)]),
        (_("Dates and hours"), [
            _("From %(start)s to %(end)s") % {"start": _date(agreement.start_date), "end": _date(agreement.end_date)},
            _("%(hours)s hours a week, on: %(days)s") % {
                "hours": formats.number_format(agreement.weekly_hours, use_l10n=True),
                "days": ", ".join(str(days[int(d)]) for d in sorted(agreement.presence_days))},
        ]),
        (_("Pay"), [_("%(pay)s a month") % {"pay": _money(agreement.monthly_pay)}, agreement.pay_terms]),
        (_("Leave and absences"), [_("%(days)s days of leave") % {"days": agreement.leave_days},
                                   *agreement.absence_terms.splitlines()]),
        (_("The school's insurance"), [_("%(insurer)s, policy %(policy)s") % doc["insurance"]]),
        (pgettext("heading", "ECTS credits"), [
            _("%(ects)s ECTS credits, validated when the final report is co-signed by the tutor and the referent "
              "teacher.") % {"ects": formats.number_format(_plain_number(doc["ects_credits"]), use_l10n=True)}
            if doc["ects_credits"] else _("No ECTS credits are attached to this internship.")]),
    ]
    if agreement.kind == "apprenticeship":
        parts.append((_("Apprenticeship contract"), [
            _("Track: %(track)s") % {"track": agreement.get_track_display()},
            _("Rhythm (days at school / at the company): %(rhythm)s") % {"rhythm": agreement.rhythm},
            _("Year of the contract: %(year)s") % {"year": agreement.contract_year},
        ]))
    signed = []
    for party in Party:
        sig = signatures.get(party.value)
        if sig is None:
            signed.append(_("%(party)s: not signed") % {"party": party.label})
        else:
            signed.append(_("%(party)s: signed by %(name)s on %(date)s") % {
                "party": party.label, "name": sig.signer_name,
                "date": formats.date_format(timezone.localtime(sig.signed_at), "DATETIME_FORMAT")})
    parts.append((_("Signatures"), signed))
    return title, parts


def render(agreement: Agreement, signatures: dict, *, lang: str, verify_url: str, document_hash: str) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer
    from xml.sax.saxutils import escape

    regular, bold = media.pdf_fonts()
    with translation.override(lang):
        title, parts = sections(agreement, signatures)
        footer = [_("SHA-256 of the document signed: %(hash)s") % {"hash": document_hash},
                  _("Check this document at %(url)s") % {"url": verify_url}]
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3,
                             textColor=HexColor("#4c1d95"))
    big = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=6, textColor=HexColor("#4c1d95"))
    story = [Paragraph(escape(title), big)]
    for head, lines in parts:
        story.append(Paragraph(escape(head), heading))
        story += [Paragraph(escape(line), body) for line in lines if line]
    story += [Spacer(1, 6 * mm)] + [Paragraph(escape(line), small) for line in footer]
    story.append(Image(io.BytesIO(media.qr_png(verify_url, box_size=6)), width=30 * mm, height=30 * mm))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=title, author=agreement.school.name, leftMargin=18 * mm,
                      rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)
    return buf.getvalue()
