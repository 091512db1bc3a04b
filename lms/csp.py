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
from dataclasses import asdict

from django.conf import settings
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_ALLOWANCES = {"style-src-attr": [UNSAFE_INLINE], "style-src-elem": [SELF, UNSAFE_INLINE]}
# What a view may set on its response to change its policy (django-csp's decorators): such a response is built
# by django-csp itself, the others get the policy built once (issue 16: building it was ~8 % of an autosave).
PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro",
                "_csp_replace_ro", "_csp_exempt", "_csp_exempt_ro")


class PlatformCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_ALLOWANCES}
        return parts

    def process_response(self, request, response):
        plain = (getattr(request, "_csp_nonce", None) is None  # no nonce in the policy
                 and not any(hasattr(response, a) for a in PER_RESPONSE)
                 and not (settings.DEBUG and response.status_code in (404, 500)))
        if not plain:
            return super().process_response(request, response)
        admin = request.path_info.startswith(ADMIN_PREFIXES)
        key = (admin, id(settings.CONTENT_SECURITY_POLICY), id(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY))
        built = self.__dict__.setdefault("_built", {})
        headers = built.get(key)
        if headers is None:
            headers = []
            for report_only, header in ((False, HEADER), (True, HEADER_REPORT_ONLY)):
                parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
                value = build_policy(**asdict(parts), report_only=report_only)
                if value:
                    headers.append((header, value))
            if len(built) > 16:  # settings overridden many times (tests): start again
                built.clear()
            built[key] = headers
        for header, value in headers:
            if header not in response:
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
