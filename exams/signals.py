"""Signals other apps listen to. `exams` never imports them (badges listens and issues)."""
import django.dispatch

# Sent once per attempt, after the transaction that made it pass commits: send(sender=Attempt, attempt=…).
certification_passed = django.dispatch.Signal()

# Sent by the result page of a closed attempt: send(sender=Attempt, attempt=…). A receiver returns None, or
# what the attempt earned for the reader: {"title": str, "url": str, "issued": bool} (badges answers with the
# credential issued for a pass, or with "being issued" while its task runs). `exams` shows it, imports nothing.
attempt_rewards = django.dispatch.Signal()
