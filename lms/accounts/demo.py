"""Demo accounts with a stable password, shared by every app's demo data."""
from django.contrib.auth.models import Group

from lms.accounts.models import User

DEMO_PASSWORD = "flowstage-demo"


def demo_user(email, first, last, role=None, superuser=False):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
        user.set_password(DEMO_PASSWORD)
    user.first_name, user.last_name = first, last
    user.display_name = f"{first} {last}"
    user.is_superuser = user.is_staff = superuser
    user.save()
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
