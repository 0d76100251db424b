"""Read-only admin views of documents: every change goes through the services (and the log)."""

from django.contrib import admin

from .models import Document, DocumentVersion, Receipt, Signature, SigningStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["number", "sha256", "media_type", "size", "origin", "created_at", "ledger_index"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class StepInline(admin.TabularInline):
    model = SigningStep
    fields = ["order", "organisation", "role", "user", "status", "deadline", "completed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["registration_number", "doc_type", "title", "sender", "status", "created_at"]
    list_filter = ["status", "doc_type"]
    search_fields = ["registration_number", "title"]
    inlines = [VersionInline, StepInline]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["document", "kind", "signer", "organisation", "signed_at", "ledger_index"]
    list_filter = ["kind"]
    exclude = ["cms_der", "certificate_der"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["document", "kind", "organisation", "at", "ledger_index"]
    list_filter = ["kind"]
