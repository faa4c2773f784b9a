from django.contrib import admin

from review.models import Dispatch


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["review", "email", "audience", "status", "sent_at", "confirmed_at"]
    list_filter = ["status", "audience"]
    search_fields = ["review__paper__reference", "email"]
    raw_id_fields = ["review", "statement_version", "recipient", "organization", "confirmed_by"]
    # The record of what was sent is evidence: read-only in the admin.
    readonly_fields = [
        "review",
        "statement_version",
        "document_key",
        "document",
        "attachments",
        "recipient",
        "email",
        "organization",
        "audience",
        "status",
        "created_by",
        "created_at",
        "claimed_at",
        "attempts",
        "sent_at",
        "error",
        "confirmed_at",
        "confirmed_by",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
