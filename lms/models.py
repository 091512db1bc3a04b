"""The platform's own rows (no app owns them): the transactional outbox of lms/queue.py."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class QueuedTask(models.Model):
    """A Celery task to run once, written in the same transaction as the change that makes it necessary (a
    transactional outbox): if the change commits, the task is not lost even when the broker (Redis) is down or the
    process dies before publishing it; ``lms.queue.sweep`` runs what is still undone. ``done_at`` is set in the
    transaction that runs the task, under the row's lock, so a task published twice (the sweep, a redelivery) runs
    once."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [models.Index(fields=["done_at", "created_at"], name="lms_queued_undone_idx")]

    def __str__(self):
        return f"{self.name}{tuple(self.args)}"
