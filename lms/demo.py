"""Demo users, one per role, with stable logins (password "flowstage-demo")."""
from django.contrib.auth.models import Group

from lms.accounts import roles
from lms.accounts.models import User
from partnerships.models import Cohort, CohortMembership, Employer, Programme, School, SchoolMember

DEMO_PASSWORD = "flowstage-demo"

USERS = [
    # e-mail, first, last, role
    ("marie.dubois@demo.flowstage.test", "Marie", "Dubois", roles.STUDENT),
    ("teacher@demo.flowstage.test", "Claire", "Lefèvre", roles.TEACHER),
    ("examiner@demo.flowstage.test", "Thomas", "Garnier", roles.EXAMINER),
    ("school@demo.flowstage.test", "Isabelle", "Moreau", roles.SCHOOL_STAFF),
    ("employer@demo.flowstage.test", "Jean", "Martin", roles.EMPLOYER),
    ("staff@demo.flowstage.test", "Sophie", "Bernard", roles.FLOWSTAGE_STAFF),
    ("admin@demo.flowstage.test", "Admin", "Flow Stage", None),
]


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


def seed(out):
    roles.sync_role_permissions()
    users = {}
    for email, first, last, role in USERS:
        users[email] = demo_user(email, first, last, role, superuser=role is None)
    femis = School.objects.get(name="La Fémis")
    SchoolMember.objects.get_or_create(school=femis, user=users["school@demo.flowstage.test"], role="staff")
    SchoolMember.objects.get_or_create(school=femis, user=users["teacher@demo.flowstage.test"], role="teacher")
    SchoolMember.objects.get_or_create(school=femis, user=users["examiner@demo.flowstage.test"], role="examiner")
    cohort, _ = Cohort.objects.get_or_create(
        programme=Programme.objects.get(school=femis, name="Ingénieur Son"), graduation_year=2027,
        defaults={"label": "L3"},
    )
    CohortMembership.objects.get_or_create(cohort=cohort, user=users["marie.dubois@demo.flowstage.test"])
    Employer.objects.get(slug="sonotec-live").members.add(users["employer@demo.flowstage.test"])
    out.write("  demo users (one per role), Marie Dubois in L3 Ingénieur Son 2027 (La Fémis)")
