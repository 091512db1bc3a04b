"""Every template of the platform obeys the Content-Security-Policy without a browser: no inline style
attribute, no inline <script> body, no on*= event handler (the e2e CSP test loads a sample of pages in
chromium; this one reads every template, so a new page cannot slip one in)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p for p in ROOT.rglob("*.html")
    if not {".venv", "node_modules", "var", "staticfiles", ".git"} & set(p.relative_to(ROOT).parts)
)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.S)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>\s*\S", re.S)
HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.S)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("pattern,what", [(STYLE_ATTR, "style attribute"), (INLINE_SCRIPT, "inline script"),
                                          (HANDLER, "event handler attribute")])
def test_no_template_needs_an_unsafe_inline_policy(pattern, what):
    offenders = [f"{p.relative_to(ROOT)}:{p.read_text()[:m.start()].count(chr(10)) + 1}"
                 for p in TEMPLATES for m in pattern.finditer(p.read_text())]
    assert not offenders, f"{what} in: {offenders}"
