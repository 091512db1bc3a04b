from lms.accounts.roles import access
from lms.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = request.path
    roles, can_access_admin = access(user, request)  # before nav_for: it reads the same cached set
    items = nav_for(user)
    for item in items:
        item["active"] = current == item["url"] or (len(item["url"]) > 4 and current.startswith(item["url"]))
    return {"nav_items": items, "user_roles": roles, "can_access_admin": can_access_admin}
