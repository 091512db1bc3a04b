"""Wagtail admin hooks of the platform itself: the script that replaces Wagtail's inline scripts (CSP)."""
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def csp_init_script():
    return format_html('<script src="{}" defer></script>', static("lms/js/wagtail_csp.js"))
