"""Confirmation before an action that costs money or cannot be undone, with or without JavaScript.

The rules, once:
- The first POST of such an action does nothing but answer a confirmation page: what is about to happen,
  what it costs or why it cannot be undone, a button that confirms and a link that cancels.
- That page posts the same fields again (those the view names), plus a token signed with the project's
  secret (``django.core.signing``). The token is bound to the user, the action and its object, and
  expires after ``MAX_AGE`` seconds: it cannot be copied to another object, another person, or kept for
  later. Only a POST carrying a valid token acts.
- A token that is missing, forged, for something else, or expired gives the confirmation page again
  (saying so when it was expired or wrong), never the action.
- ``lms/static/lms/js/confirm.js`` adds no step: it only moves focus to the confirm button so the page
  reads like a dialog; everything works without it.
"""
from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext

SALT = "lms.confirm"
FIELD = "confirm_token"
MAX_AGE = 15 * 60  # seconds


def token(user, action: str, obj) -> str:
    return signing.dumps([user.pk, action, str(obj)], salt=SALT, compress=True)


def check(request, action: str, obj) -> str:
    """``"ok"`` when the POST carries a valid token for this user, action and object; ``"missing"`` when
    it carries none; ``"expired"`` or ``"invalid"`` otherwise."""
    raw = request.POST.get(FIELD, "")
    if not raw:
        return "missing"
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "invalid"
    return "ok" if data == [request.user.pk, action, str(obj)] else "invalid"


def confirmed(request, action: str, obj) -> bool:
    return check(request, action, obj) == "ok"


def ask(request, action: str, obj, *, title: str, lines, confirm_label: str, cancel_url: str,
        cancel_label: str = "", carry=(), danger: bool = False, heading: str = "", status: int = 200):
    """The confirmation page of ``action`` on ``obj``.

    ``lines``: sentences saying what will happen (plain text, escaped by the template); ``carry``: the
    names of the POST fields sent again with the confirmation (each value, list fields included)."""
    hidden = [(name, value) for name in carry for value in request.POST.getlist(name)]
    return render(request, "lms/confirm.html", {
        "title": title, "heading": heading or title, "lines": list(lines), "confirm_label": confirm_label,
        "cancel_url": cancel_url, "cancel_label": cancel_label or gettext("Cancel"), "hidden": hidden, "token_field": FIELD,
        "token": token(request.user, action, obj), "danger": danger,
        "state": check(request, action, obj), "action_url": request.get_full_path(),
        # the language switch leads back to the page the action started from (the action's URL answers POSTs)
        "language_switch_next": cancel_url,
    }, status=status)
