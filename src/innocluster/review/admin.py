"""The Django admin of the expert pool: operators inspect experts and declared conflicts here
until the operators' pages exist (``services`` is the checked way to change them)."""

from django.contrib import admin

from .models import ConflictDeclaration, Expert


class ConflictDeclarationInline(admin.TabularInline):
    model = ConflictDeclaration
    extra = 0
    fields = ("organisation", "application", "reason", "declared_at")
    readonly_fields = ("declared_at",)
    raw_id_fields = ("organisation", "application")


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "load_cap", "active")
    list_filter = ("kind", "active")
    search_fields = ("user__email", "user__full_name")
    raw_id_fields = ("user", "affiliations")
    inlines = [ConflictDeclarationInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ("expert", "organisation", "application", "declared_at")
    search_fields = ("expert__user__email", "reason")
    raw_id_fields = ("expert", "organisation", "application")
    readonly_fields = ("declared_at",)
