"""Partnerships' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready)."""
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd


def export(user) -> dict:
    from partnerships.models import CohortInvitation, CohortMembership, Employer, SchoolMember

    memberships = CohortMembership.objects.filter(user=user).select_related("cohort__programme__school")
    return {
        "cohort_memberships": [
            {**pd.row(m), "school": m.cohort.programme.school.name, "programme": m.cohort.programme.name,
             "graduation_year": m.cohort.graduation_year} for m in memberships],
        "school_roles": [{**pd.row(m), "school": m.school.name}
                         for m in SchoolMember.objects.filter(user=user).select_related("school")],
        "invitations": pd.rows(CohortInvitation.objects.filter(user=user) | CohortInvitation.objects.filter(
            email__iexact=user.email), exclude=("token_hash",)),
        "employers": list(Employer.objects.filter(members=user).values_list("name", flat=True)),
    }


def anonymise(user) -> dict:
    from partnerships.models import CohortInvitation, Employer, SchoolMember

    invitations = list(CohortInvitation.objects.filter(user=user) | CohortInvitation.objects.filter(
        email__iexact=user.email))
    # the invitations' history stays (the audit of who invited whom, when), without the address and name
    history = CohortInvitation.history.filter(id__in=[inv.pk for inv in invitations]).update(
        email=pd.erased_email(user), first_name="", last_name="", token_hash="")
    for inv in invitations:
        inv.email, inv.first_name, inv.last_name = pd.erased_email(user), "", ""
        inv.token_hash = ""
        if inv.status == CohortInvitation.Status.PENDING:
            inv.status = CohortInvitation.Status.REVOKED
        inv.skip_history_when_saving = True
        inv.save()
        del inv.skip_history_when_saving
    employers = Employer.objects.filter(members=user)
    for employer in employers:
        employer.members.remove(user)
    return {"invitations": len(invitations), "history_versions": history,
            "school_roles": SchoolMember.objects.filter(user=user).delete()[0], "employers": len(employers)}


def register() -> None:
    pd.register(
        "partnerships", order=10, title=_("Schools and cohorts"), export=export, anonymise=anonymise,
        retained=_("Kept: your cohort memberships (school, programme, graduation year), which are part of your "
                   "school's records of who studied there. Deleted or emptied: the e-mail address and name on "
                   "the invitations you received, your staff roles in schools and your employer accounts."),
    )
