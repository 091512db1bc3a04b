import pytest
from badges import schema
from badges_testkit import doc_of, issue
from tests.factories import make_user
pytestmark = pytest.mark.django_db
def test_x():
    cred = issue(make_user("student", email="a@example.test"), narrative="x")
    print(schema.errors(doc_of(cred)))
