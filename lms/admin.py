"""Django admin: the outbox's tasks, read-only, to see what waits and what failed (its last error)."""
from django.contrib import admin

from lms.models import QueuedTask


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "done_at", "attempts", "last_error")
    list_filter = ("name", ("done_at", admin.EmptyFieldListFilter))
    readonly_fields = ("name", "args", "created_at", "done_at", "attempts", "last_error")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
