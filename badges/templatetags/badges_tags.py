"""Badges texts in the viewer's language: achievement names (verification messages are rendered by
``lms.templatetags.i18n_messages``)."""
from django import template

register = template.Library()


@register.filter
def achievement_text(achievement, field="name") -> str:
    """``{{ cred.achievement|achievement_text:"name" }}``: the achievement's text in the active language (its French
    version on French pages when there is one, else the signed text): see ``Achievement.text``."""
    if achievement is None:
        return ""
    return achievement.text(field)


@register.filter
def credential_text(credential, field="narrative") -> str:
    """``{{ cred|credential_text:"revocation_reason" }}``: the evidence or revocation reason in the active language
    (its French version on French pages when there is one): see ``Credential.text``."""
    if credential is None:
        return ""
    return credential.text(field)
