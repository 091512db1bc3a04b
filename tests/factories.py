"""Factories for test data. Each app's tests may add their own beside this module."""
import factory
from django.contrib.auth.models import Group

from lms.accounts.models import User

TEST_PASSWORD = "pass-Word-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role)[0])
        if create:
            self.save()


def make_user(role=None, **kwargs):
    return UserFactory(roles=[role] if role else [], **kwargs)
