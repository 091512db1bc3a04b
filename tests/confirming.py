"""Going through a confirmation page (lms/confirm.py) as a browser without JavaScript does: read the page's
form (its action and hidden fields, the signed token among them) and post it back."""
import re
from html import unescape


def confirm_form(resp) -> tuple[str, dict]:
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="confirm"' in html, (resp.status_code, html[:300])
    start = html.index("<form", html.index('id="confirm"'))
    form = html[start:html.index("</form>", start)]
    action = unescape(re.search(r'action="([^"]*)"', form).group(1))
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        fields.setdefault(unescape(name), []).append(unescape(value))
    return action, fields


def post_confirmed(client, url, data=None, **extra):
    """POST ``data`` to ``url``, check the answer asks for confirmation, confirm; the second answer."""
    action, fields = confirm_form(client.post(url, data or {}, **extra))
    return client.post(action, fields, **extra)
