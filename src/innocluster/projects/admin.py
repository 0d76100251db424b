"""The Django admin of projects: read-only, for inspection. Every change goes through the
services (they check the rules, sign documents and write the audit trail)."""

from django.contrib import admin

from .models import Agreement, KpiActual, MilestoneReport, Project, ReportEvidence, Tranche


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0
    fields = ("kind", "sequence", "state", "document_id", "signed_at")
    readonly_fields = fields
    can_delete = False


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    fields = ("milestone", "amount_rub", "due_on", "state", "paid_at", "payment_reference")
    readonly_fields = fields
    can_delete = False


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("application", "grant_rub", "started_on", "completed_at", "terminated_at")
    list_select_related = ("application",)
    search_fields = ("application__number", "application__title")
    inlines = [AgreementInline, TrancheInline]


class KpiActualInline(admin.TabularInline):
    model = KpiActual
    extra = 0
    fields = ("kpi", "value")
    readonly_fields = fields
    can_delete = False


class EvidenceInline(admin.TabularInline):
    model = ReportEvidence
    extra = 0
    fields = ("filename", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(MilestoneReport)
class MilestoneReportAdmin(ReadOnly):
    list_display = ("project", "milestone", "state", "is_final", "submitted_at", "accepted_at")
    list_filter = ("state", "is_final")
    list_select_related = ("project__application", "milestone")
    inlines = [KpiActualInline, EvidenceInline]
