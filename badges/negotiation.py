"""Content negotiation of a credential's addresses (HTTP ``Accept``, RFC 9110 section 12.5.1), pure (no Django).

A credential's id (``/credentials/<uuid>``), its public verification page (``/verify/<uuid>/``) and the short link
of its QR code (``/v/<short id>/``) answer the signed credential to a client that asks for it, and the page to a
browser. Rules:

- Each media range of the header has a quality (``q``, 0 to 1, three decimals at most; 1 when absent). A range
  whose ``q`` is malformed is ignored. The header is bounded: its first ``MAX_HEADER_CHARS`` characters and
  ``MAX_RANGES`` ranges are read, the rest ignored.
- An offered type takes the quality of the most specific range that matches it (``type/subtype`` over
  ``type/*`` over ``*/*``; among equally specific ones, the one with more parameters, then the first). No match:
  quality 0, not acceptable.
- The offer with the highest quality wins; a tie goes to the server's order of preference (the order of
  ``offers``). Nothing acceptable, or no header: ``None``, and the caller answers its default.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

HTML = "text/html"
VC_LD_JSON = "application/vc+ld+json"  # VC Data Model 1.1 / early 2.0 drafts, still asked for by wallets
VC = "application/vc"  # VC Data Model 2.0's media type of a credential secured by an embedded proof
LD_JSON = "application/ld+json"
#: The media types a credential is answered in (the JSON-LD document as signed, byte for byte).
CREDENTIAL_TYPES = (VC_LD_JSON, VC, LD_JSON)

MAX_HEADER_CHARS = 2048
MAX_RANGES = 40
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: Decimal
    params: int  # parameters other than q (a range with more is more specific)

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return (self.type == "*" or self.type == main) and (self.subtype == "*" or self.subtype == sub)

    @property
    def specificity(self) -> tuple[int, int]:
        return (0 if self.type == "*" else 1 if self.subtype == "*" else 2, self.params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header, in order, lower-cased; malformed ranges are left out."""
    ranges: list[MediaRange] = []
    for part in (header or "")[:MAX_HEADER_CHARS].split(","):
        if len(ranges) >= MAX_RANGES:
            break
        fields = [f.strip() for f in part.split(";")]
        main, slash, sub = fields[0].lower().partition("/")
        if not slash or not _TOKEN.fullmatch(main) or not _TOKEN.fullmatch(sub) or (main == "*" and sub != "*"):
            continue
        q, params, ok = Decimal(1), 0, True
        for param in fields[1:]:
            name, eq, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                if not eq or not _QVALUE.fullmatch(value):
                    ok = False
                    break
                q = Decimal(value)
            elif param:
                params += 1
        if ok:
            ranges.append(MediaRange(main, sub, q, params))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> Decimal:
    """The quality a client gives ``media_type``: that of the most specific matching range, 0 if none."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best is not None else Decimal(0)


def preferred(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (see the module's rules), or None when it accepts none or sent no header."""
    ranges = parse_accept(header)
    if not ranges:
        return None
    chosen, chosen_q = None, Decimal(0)
    for offer in offers:
        q = quality(ranges, offer)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def wants_credential(header: str | None, *, default_html: bool) -> str | None:
    """The credential media type to answer a client with ``header``, or None for the HTML page.

    ``default_html``: the address is a page (the verification page, the QR's short link): HTML wins ties and is
    the answer when the header accepts nothing offered or is missing. Otherwise (the credential's id) the
    credential wins ties and is the default, as ``application/ld+json``."""
    offers = (HTML, *CREDENTIAL_TYPES) if default_html else (LD_JSON, VC_LD_JSON, VC, HTML)
    choice = preferred(header, offers)
    if choice is None:
        return None if default_html else LD_JSON
    return None if choice == HTML else choice
