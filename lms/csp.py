"""The platform's Content-Security-Policy (settings.CSP_DIRECTIVES, django-csp) with the minimum that the
two admin sites need on top of it, found by loading their pages in chromium with the policy enforced
(tests/security/test_e2e_csp.py):

- Wagtail's admin (/admin/) and Django's admin (/django-admin/) set style attributes in their own templates
  (progress bars, icons, widgets) and the page editor's rich-text and menu libraries insert <style>
  elements: `style-src-attr 'unsafe-inline'` and `style-src-elem 'self' 'unsafe-inline'` there only.
  Scripts stay 'self' (no inline script, no eval): the inline scripts of Wagtail's widgets and panels are
  replaced by data that lms/static/lms/js/wagtail_csp.js reads (templates in lms/templates/wagtailadmin/,
  the chooser widgets in lms/apps.py).
- Everything else, the Swagger UI at /api/v1/docs included (served from our static files), gets the base
  policy unchanged.
"""
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_ALLOWANCES = {"style-src-attr": [UNSAFE_INLINE], "style-src-elem": [SELF, UNSAFE_INLINE]}


class PlatformCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_ALLOWANCES}
        return parts
