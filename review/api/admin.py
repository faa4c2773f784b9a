from django.contrib import admin

from review.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py api_token issue` (the secret is shown only there);
    the admin lists them and switches them off."""

    list_display = ("name", "key_id", "user", "scopes", "is_active", "last_used_at", "expires_at")
    list_filter = ("is_active",)
    fields = ("name", "user", "key_id", "scopes", "is_active", "expires_at", "last_used_at")
    readonly_fields = ("key_id", "user", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        return False
