"""Wagtail admin hooks of the platform itself: the script that replaces Wagtail's inline scripts (CSP)."""
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def csp_init_script():
    return format_html('<script src="{}" defer></script>', static("lms/js/wagtail_csp.js"))


@hooks.register("before_delete_user")
def erase_rather_than_delete(request, user):
    """A person who holds credentials or school records cannot be deleted (the database protects those rows:
    deleting raised ProtectedError, a 500). Say so, and lead to erasure (lms/accounts/personal_data.py): the
    Django admin's "erase" action on this person."""
    from urllib.parse import urlencode

    from django.contrib import messages
    from django.db import router
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.translation import gettext as _

    collector = Collector(using=router.db_for_write(type(user)))
    try:
        collector.collect([user])
    except (ProtectedError, RestrictedError):
        messages.error(request, _("%(user)s holds credentials or school records that must be kept, so the account "
                                  "cannot be deleted. Erase their personal data instead (action “Erase the personal "
                                  "data” in the list below).") % {"user": user.email})
        return redirect(reverse("admin:accounts_user_changelist") + "?" + urlencode({"q": user.email}))
    return None
