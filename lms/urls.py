from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import views as courses_views
from lms import language, views
from lms.api import api

# Language-neutral URLs: API, admin, machine-readable documents.
urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # the language switcher: the same page in the other language (lms/language.py)
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("badges.public_urls")),
]

# Pages for people: French at /, English at /en/.
urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("lms.accounts.urls")),
    path("", include("lms.pages_urls")),
    path("learning/", include("courses.urls")),
    path("exams/", include("exams.urls")),
    path("badges/", include("badges.urls")),
    path("", include("badges.verify_urls")),
    path("schools/", include("partnerships.urls")),
    path("careers/", include("careers.urls")),
    # Wagtail pages, served through the courses' content cache (Wagtail's own _util/ URLs stay Wagtail's)
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", courses_views.serve_page, name="page_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

# A busy database is a 503 with Retry-After, wherever it was raised (lms/db_contention.py).
handler500 = "lms.db_contention.server_error"
