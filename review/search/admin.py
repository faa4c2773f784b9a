from django.contrib import admin

from review.models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["words", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["words"]
