"""Content negotiation of a credential's addresses (badges/negotiation.py): pure, no database."""
from decimal import Decimal

import pytest

from badges import negotiation as n
from badges.negotiation import HTML, LD_JSON, VC, VC_LD_JSON

CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8," \
         "application/signed-exchange;v=b3;q=0.7"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_parse_ranges_in_order_lower_cased_with_q_and_params():
    ranges = n.parse_accept('Application/LD+JSON;profile="https://www.w3.org/ns/credentials/v2";q=0.5, text/*')
    assert [(r.type, r.subtype, r.q, r.params) for r in ranges] == [
        ("application", "ld+json", Decimal("0.5"), 1), ("text", "*", Decimal(1), 0)]


@pytest.mark.parametrize("header", ["", None, ",,,", "html", "text/", "/json", "*/json", "te xt/html",
                                    "text/html;q=2", "text/html;q=1.5", "text/html;q=0.1234", "text/html;q=",
                                    "text/html;q=abc", "text/html;q=-1"])
def test_malformed_ranges_are_left_out(header):
    assert n.parse_accept(header) == []


@pytest.mark.parametrize("q", ["0", "0.", "0.5", "0.75", "0.001", "1", "1.", "1.0", "1.000"])
def test_valid_qvalues(q):
    assert n.parse_accept(f"text/html;q={q}")[0].q == Decimal(q.rstrip(".") or "0")


def test_header_and_range_count_are_bounded():
    many = ",".join(f"x/y{i}" for i in range(500))
    assert len(n.parse_accept(many)) == n.MAX_RANGES
    padded = "a/b;" + " " * (n.MAX_HEADER_CHARS + 10) + ",application/vc"
    assert n.preferred(padded, [VC]) is None  # past the bound: not read


def test_quality_takes_the_most_specific_range():
    ranges = n.parse_accept("*/*;q=0.1, application/*;q=0.5, application/vc;q=0.9")
    assert n.quality(ranges, VC) == Decimal("0.9")
    assert n.quality(ranges, LD_JSON) == Decimal("0.5")
    assert n.quality(ranges, HTML) == Decimal("0.1")
    # more parameters: more specific among equal types
    ranges = n.parse_accept("application/ld+json;q=0.2, application/ld+json;profile=x;q=0.8")
    assert n.quality(ranges, LD_JSON) == Decimal("0.8")


def test_quality_zero_when_nothing_matches_or_refused():
    assert n.quality(n.parse_accept("image/png"), HTML) == 0
    assert n.quality(n.parse_accept("*/*, text/html;q=0"), HTML) == 0


@pytest.mark.parametrize("header,expected", [
    (VC_LD_JSON, VC_LD_JSON), (VC, VC), (LD_JSON, LD_JSON),
    (CHROME, HTML), (FIREFOX, HTML), (SAFARI, HTML),
    ("*/*", HTML), ("text/*", HTML), ("application/*", VC_LD_JSON),
    ("application/ld+json, text/html;q=0.5", LD_JSON),
    ("text/html;q=0.4, application/vc;q=0.6", VC),
    ("application/vc+ld+json;q=0.9, application/vc", VC),
    ("application/ld+json, text/html", HTML),  # a tie: the page's own preference (HTML)
    ("text/html;q=0, */*", VC_LD_JSON),
    ("application/json", None), ("image/png", None), ("", None), (None, None),
])
def test_preferred_among_the_page_offers(header, expected):
    assert n.preferred(header, (HTML, *n.CREDENTIAL_TYPES)) == expected


@pytest.mark.parametrize("header,expected", [
    (VC_LD_JSON, VC_LD_JSON), (VC, VC), (LD_JSON, LD_JSON), (CHROME, None), (FIREFOX, None), ("*/*", None),
    (None, None), ("", None), ("image/png", None), ("application/json", None),
    ("text/html;q=0.9, application/ld+json", LD_JSON), ("application/vc;q=0", None),
])
def test_wants_credential_on_a_page_address(header, expected):
    assert n.wants_credential(header, default_html=True) == expected


@pytest.mark.parametrize("header,expected", [
    (VC_LD_JSON, VC_LD_JSON), (VC, VC), (LD_JSON, LD_JSON), (CHROME, None), (FIREFOX, None),
    ("*/*", LD_JSON), (None, LD_JSON), ("", LD_JSON), ("image/png", LD_JSON), ("application/*", LD_JSON),
    ("application/ld+json, text/html", LD_JSON),  # a tie: the credential's id prefers the credential
    ("text/html", None), ("application/vc;q=0.3, text/html;q=0.2", VC),
])
def test_wants_credential_on_the_credential_id(header, expected):
    assert n.wants_credential(header, default_html=False) == expected
