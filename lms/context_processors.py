from lms.accounts.roles import user_roles
from lms.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = request.path
    items = nav_for(user)
    for item in items:
        item["active"] = current == item["url"] or (len(item["url"]) > 4 and current.startswith(item["url"]))
    return {
        "nav_items": items,
        "user_roles": user_roles(user),
        "can_access_admin": user.is_authenticated and user.has_perm("wagtailadmin.access_admin"),
    }
