"""After a transactional test flushes the database (Wagtail's site and root page gone), adding a teacher
still works: the catalogue setup recreates what it needs."""
import pytest
from wagtail.models import Locale, Page, Site

from courses import services
from courses.models import CourseIndexPage
from partnerships.models import SchoolMember
from tests.factories import make_user

from .factories import make_school


@pytest.mark.django_db
def test_teacher_added_on_a_database_without_site_or_pages():
    Site.objects.all().delete()
    Page.objects.all().delete()
    from wagtail.models import Collection, GroupCollectionPermission

    GroupCollectionPermission.objects.all().delete()
    Collection.objects.all().delete()
    Locale.objects.exclude(language_code="fr").delete()
    school = make_school()
    SchoolMember.objects.create(school=school, user=make_user("teacher"), role="teacher")
    assert Site.objects.filter(is_default_site=True).exists()
    assert CourseIndexPage.objects.count() == 2
    assert services.ensure_catalogue().url == "/catalogue/"
