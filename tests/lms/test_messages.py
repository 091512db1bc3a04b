"""Messages of the pure modules (lms.messages): the English text, and the rendering in the viewer's language
(lms.templatetags.i18n_messages) with templates found in the catalogue of the app that marked them."""
from datetime import date, datetime, timezone
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from lms.messages import Message, Timestamp, english_text, gettext_noop, message, ngettext_lazy
from lms.templatetags.i18n_messages import localize

PROJECTS = ngettext_lazy("%(n)s documented project", "%(n)s documented projects", "n")  # exams/locale
EXPIRED = gettext_noop("expired on %(date)s")  # badges/locale


def test_english_text():
    assert str(Message(PROJECTS, {"n": 1})) == "1 documented project"
    assert str(Message(PROJECTS, {"n": 3})) == "3 documented projects"
    when = Timestamp("2026-01-31T00:00:00Z", datetime(2026, 1, 31, tzinfo=timezone.utc))
    assert str(message(EXPIRED, date=when)) == "expired on 2026-01-31T00:00:00Z"  # the date as written
    assert str(message(gettext_noop("status list: %(reason)s"), reason=message(gettext_noop("not revoked")))) \
        == "status list: not revoked"
    assert str(message(gettext_noop("the credential's index is outside the list"), "index 9 out of range")) \
        == "index 9 out of range"  # the lower layer's technical wording, kept for the API
    assert english_text(Decimal("1E+1")) == "10" and english_text(date(2026, 2, 1)) == "2026-02-01"
    assert english_text(datetime(2026, 2, 1, 9, 30, 15)) == "2026-02-01T09:30"
    assert str(Message("no parameter, 100%")) == "no parameter, 100%"


def test_rendered_in_the_active_language():
    when = Timestamp("2026-01-31T00:00:00Z", datetime(2026, 1, 31, 12, tzinfo=timezone.utc))
    with translation.override("fr"):
        assert localize(Message(PROJECTS, {"n": 3})) == "3 projets documentés"
        assert localize(message(EXPIRED, date=when)) == "expirée le 31 janvier 2026"
        assert localize(message(gettext_noop("the credential's index is outside the list"), "technical")) == \
            "l’index de l’attestation est hors de la liste"  # translated from the template, not the override
        assert localize(Decimal("1234.5")) == "1234,5" and localize(None) == "" and localize("as is") == "as is"
        assert Template("{% load i18n_messages %}{{ m|localized }}").render(
            Context({"m": message(EXPIRED, date="<b>")})) == "expirée le &lt;b&gt;"  # escaped: untrusted
    with translation.override("en"):
        assert localize(Message(PROJECTS, {"n": 1})) == "1 documented project"
        assert localize(message(EXPIRED, date=when)) == "expired on Jan. 31, 2026"
