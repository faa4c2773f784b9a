"""Admin for sources, sync runs and the keyword profile (imported by ReviewConfig.ready)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from review.models import KeywordTerm, Organization, Source, SyncError, SyncRun

from .tasks import sync_source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "system_url", "is_active", "adapter", "query_encoding", "page_size"]
    list_filter = ["is_active", "adapter"]
    search_fields = ["name", "system_url"]
    actions = ["sync_now", "sync_full_now"]

    @admin.action(description=_("Sync now"))
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            sync_source.delay(source.pk)
        messages.success(request, _("Sync started."))

    @admin.action(description=_("Full sync now"))
    def sync_full_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            sync_source.delay(source.pk, full=True)
        messages.success(request, _("Full sync started."))


class SyncErrorInline(admin.TabularInline):
    model = SyncError
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "url", "message"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "status",
        "is_full",
        "created",
        "updated",
        "deleted",
        "unchanged",
        "failed",
        "reviews_opened",
    ]
    list_filter = ["status", "source", "is_full"]
    date_hierarchy = "started_at"
    inlines = [SyncErrorInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(KeywordTerm)
class KeywordTermAdmin(admin.ModelAdmin):
    list_display = ["term", "strength", "weight", "topic", "is_active"]
    list_editable = ["weight", "is_active"]
    list_filter = ["is_active", "strength", "topic"]
    search_fields = ["term", "word_forms", "negative_contexts"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "classification", "is_watched", "is_advisory_council"]
    list_editable = ["is_watched", "is_advisory_council"]
    list_filter = ["is_watched", "is_advisory_council", "source", "is_placeholder"]
    search_fields = ["name", "short_name"]
    readonly_fields = ["oparl_id", "oparl_created", "oparl_modified", "content_hash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return Organization.all_objects.all()
