"""Signals other apps listen to. `exams` never imports them (badges listens and issues)."""
import django.dispatch

# Sent once per attempt, after the transaction that made it pass commits: send(sender=Attempt, attempt=…).
certification_passed = django.dispatch.Signal()
