"""The Django admin of calls: operators may inspect and fix configuration here until the
operators' pages exist (the services in ``calls.py`` are the checked way to change calls)."""

from django.contrib import admin

from .models import ApplicationForm, Call, Criterion, FormVersion, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_en")
    search_fields = ("code", "name_ru", "name_en")


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    extra = 0
    fields = ("number", "created_at", "created_by")
    readonly_fields = ("number", "created_at", "created_by")
    can_delete = False


@admin.register(ApplicationForm)
class ApplicationFormAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [FormVersionInline]


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ("form", "number", "created_at")
    list_filter = ("form",)
    readonly_fields = ("created_at", "created_by")

    def get_readonly_fields(self, request, obj=None):
        # A version a call uses never changes.
        if obj is not None and obj.calls.exists():
            return ("form", "number", "fields", "created_at", "created_by")
        return super().get_readonly_fields(request, obj)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("code", "title_ru", "programme", "opens_at", "deadline", "published_at")
    list_filter = ("programme",)
    search_fields = ("code", "title_ru", "title_en")
    date_hierarchy = "opens_at"
    list_select_related = ("programme",)
    inlines = [CriterionInline]

    # A published call's terms change only through programmes.calls (what may change when,
    # with an audit event): here it is read-only.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("call", "code", "name_ru", "weight", "scale_min", "scale_max")
    list_select_related = ("call",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.call.published_at is not None:
            return False  # fixed with its published call
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission
