"""The Django admin of the exchange (superusers only, see urls.py): to inspect and fix data. The
services are the checked way to change challenges and solutions; status moves here bypass
their workflow, so they are read-only."""

from django.contrib import admin

from .models import Challenge, NdaAcceptance, Solution, SolutionAttachment, SolutionMessage


class NdaAcceptanceInline(admin.TabularInline):
    model = NdaAcceptance
    extra = 0
    fields = ("organisation", "accepted_by", "nda_sha256", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    # Superusers see the protected fields too: the admin is not a public read path.
    list_display = ("title", "owner", "status", "visibility", "deadline", "published_at")
    list_filter = ("status", "visibility")
    search_fields = ("title", "summary", "owner__name_ru", "owner__inn")
    raw_id_fields = ("owner", "created_by")
    readonly_fields = ("status", "outcome", "published_at", "closed_at", "version")
    inlines = [NdaAcceptanceInline]


class SolutionAttachmentInline(admin.TabularInline):
    model = SolutionAttachment
    extra = 0
    fields = ("filename", "media_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    can_delete = False


class SolutionMessageInline(admin.TabularInline):
    model = SolutionMessage
    extra = 0
    fields = ("author_organisation", "author", "body", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ("challenge", "responder", "status", "trl", "created_at")
    list_filter = ("status",)
    search_fields = ("challenge__title", "responder__name_ru", "responder__inn")
    raw_id_fields = ("challenge", "responder", "created_by")
    readonly_fields = ("status", "status_changed_at", "version")
    inlines = [SolutionAttachmentInline, SolutionMessageInline]


# --- the catalogue: technology offers, products, expressions of interest ----------------------

from .models import ExpressionOfInterest, Product, TechnologyOffer  # noqa: E402


@admin.register(TechnologyOffer)
class TechnologyOfferAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "trl", "published_at")
    list_filter = ("status", "trl")
    search_fields = ("title", "summary", "owner__name_ru", "owner__inn")
    raw_id_fields = ("owner", "created_by")
    readonly_fields = ("status", "published_at", "version")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "price_model", "published_at")
    list_filter = ("status", "price_model")
    search_fields = ("title", "summary", "owner__name_ru", "owner__inn")
    raw_id_fields = ("owner", "created_by")
    readonly_fields = ("status", "published_at", "version")


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ("target_kind", "target_id", "organisation", "target_owner", "created_at")
    list_filter = ("target_kind",)
    search_fields = ("organisation__name_ru", "target_owner__name_ru")
    raw_id_fields = ("organisation", "target_owner", "created_by")
    readonly_fields = ("target_kind", "target_id", "target_owner", "organisation", "created_at")
