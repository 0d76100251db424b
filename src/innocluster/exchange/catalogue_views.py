"""Pages of the catalogue (under /exchange/): technology offers, products and services, and the
expressions of interest inbox.

Views are thin: parse the form, call one service, render. A draft answers 404 to everyone but its
owner's people; the edit pages answer 404 to everyone who may not change the item. Never cached:
what a page shows depends on who reads it (drafts, "interested organisations", the interest
form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import Conflict, DomainError, NotFound
from innocluster.core.views import signed_in
from innocluster.registry.choices import ADMITTED_STATUSES

from . import catalogue_selectors as selectors
from . import catalogue_services as services
from .catalogue_forms import InterestForm, ProductForm, TechnologyForm
from .catalogue_permissions import (
    TECHNOLOGY_OWNER_KINDS,
    belongs_to_owner,
    may_manage_item,
)
from .choices import InterestTarget, ListingStatus
from .models import Product, TechnologyOffer
from .permissions import acting_organisations, owner_not_admitted_reason


@dataclass(frozen=True)
class Kind:
    """What differs between the technology and the product pages."""

    code: str
    model: Any
    form: Any
    create: Any
    update: Any
    publish: Any
    archive: Any
    folder: str
    list_url: str
    item_url: str
    heading: Any
    may_create_reason: Any


TECHNOLOGY = Kind(
    code=InterestTarget.TECHNOLOGY,
    model=TechnologyOffer,
    form=TechnologyForm,
    create=services.create_technology,
    update=services.update_technology,
    publish=services.publish_technology,
    archive=services.archive_technology,
    folder="exchange/technologies",
    list_url="exchange:technologies",
    item_url="exchange:technology",
    heading=gettext_lazy("Technology offers"),
    may_create_reason=gettext_lazy(
        "Technology offers come from universities and research institutes admitted to the "
        "cluster: you act for none."
    ),
)
PRODUCT = Kind(
    code=InterestTarget.PRODUCT,
    model=Product,
    form=ProductForm,
    create=services.create_product,
    update=services.update_product,
    publish=services.publish_product,
    archive=services.archive_product,
    folder="exchange/products",
    list_url="exchange:products",
    item_url="exchange:product",
    heading=gettext_lazy("Products and services"),
    may_create_reason=gettext_lazy(
        "Products and services are listed by organisations admitted to the cluster: you act "
        "for none."
    ),
)


def _personal(response):
    add_never_cache_headers(response)
    return response


def owners_for(kind: Kind, user) -> list:
    """The organisations ``user`` may list this kind of item for."""
    organisations = acting_organisations(user)
    if kind is TECHNOLOGY:
        organisations = [o for o in organisations if o.kind in TECHNOLOGY_OWNER_KINDS]
    return organisations


def card(item) -> dict:
    """What a list or a page shows of a listing, in the reader's language."""
    return {
        "item": item,
        "title": selectors.in_language(item, "title"),
        "summary": selectors.in_language(item, "summary"),
        "areas": selectors.area_labels(item.priority_areas),
        "ip": selectors.ip_labels(getattr(item, "ip_kinds", [])),
        "status_label": ListingStatus(item.status).label,
    }


# --- lists ------------------------------------------------------------------------------------


def _catalogue(request, kind: Kind):
    chosen, errors = selectors.parse_filter(request.GET, technologies=kind is TECHNOLOGY)
    queryset = selectors.listed(kind.model, chosen, request.user)
    page = Paginator(queryset, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [card(item) for item in page.object_list]
    user = request.user
    context = {
        "kind": kind,
        "page_obj": page,
        "filter": chosen,
        "filter_errors": errors,
        "base_query": chosen.query(),
        "areas": selectors.area_choices(),
        "ip_kinds": [(c, str(label)) for c, label in _ip_choices()],
        "levels": range(1, 10),
        "own": [card(item) for item in selectors.own_unlisted(kind.model, user)[:50]],
        "may_create": bool(owners_for(kind, user)) if user.is_authenticated else False,
    }
    return _personal(render(request, f"{kind.folder}/list.html", context))


def _ip_choices():
    from .choices import IpKind

    return IpKind.choices


@require_safe
def technologies(request):
    """The catalogue of technology offers: filters by area, IP kind and the lowest TRL."""
    return _catalogue(request, TECHNOLOGY)


@require_safe
def products(request):
    """The catalogue of products and services: filters by area and the lowest TRL."""
    return _catalogue(request, PRODUCT)


# --- one item ---------------------------------------------------------------------------------


def interest_context(request, kind_code: str, item, *, open_to_interest: bool) -> dict:
    """The interest part of an item's page: the owner's list of interested organisations, or
    the visitor's form (or what they already sent, or why they cannot)."""
    user = request.user
    owner_side = belongs_to_owner(user, item)
    context: dict = {"owner_side": owner_side, "kind_code": kind_code}
    if owner_side:
        context["interested"] = list(selectors.interests_in(kind_code, item))
        return context
    if not user.is_authenticated:
        context["sign_in"] = True
        return context
    context["sent"] = selectors.sent_interest(user, kind_code, item)
    organisations = [o for o in acting_organisations(user) if o.pk != item.owner_id]
    if item.owner.status not in ADMITTED_STATUSES:
        context["cannot"] = owner_not_admitted_reason()
    elif context["sent"] is None and organisations and open_to_interest:
        context["form"] = InterestForm(
            initial={"kind": kind_code, "id": item.pk}, organisations=organisations
        )
    elif not organisations:
        context["cannot"] = _(
            "Expressions of interest are sent on behalf of an organisation admitted to the "
            "cluster, by its owners, editors and signatories."
        )
    return context


def _detail(request, kind: Kind, item_id):
    item = selectors.item_for(kind.model, request.user, item_id)
    manage = may_manage_item(request.user, item)[0]
    context = {
        "kind": kind,
        "card": card(item),
        "item": item,
        "may_manage": manage,
        "price_label": selectors.price_label(getattr(item, "price_model", "")),
        "matching_url": selectors.MATCHING_URLS[kind.code].format(id=item.pk) if manage else "",
        "interest": interest_context(
            request, kind.code, item, open_to_interest=item.status == ListingStatus.PUBLISHED
        ),
    }
    return _personal(render(request, f"{kind.folder}/detail.html", context))


@require_safe
def technology(request, item_id):
    return _detail(request, TECHNOLOGY, item_id)


@require_safe
def product(request, item_id):
    return _detail(request, PRODUCT, item_id)


# --- creating and editing ---------------------------------------------------------------------


def _owner_from(form, owners):
    if "owner" not in form.fields:
        return owners[0]
    wanted = form.cleaned_data.get("owner")
    return next((o for o in owners if str(o.pk) == wanted), None)


def _new(request, kind: Kind):
    owners = owners_for(kind, request.user)
    if not owners:
        context = {"kind": kind, "refusal": kind.may_create_reason, "form": None}
        return render(request, f"{kind.folder}/form.html", context, status=403)
    form = kind.form(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner = _owner_from(form, owners)
        try:
            item = kind.create(
                owner,
                form.service_data(),
                actor=request.user,
                publish="publish" in request.POST,
            )
        except DomainError as failure:
            form.show_refusal(failure)
        else:
            if item.status == ListingStatus.PUBLISHED:
                messages.success(request, _("Published in the catalogue."))
            else:
                messages.success(request, _("Saved as a draft: only your organisation sees it."))
            return redirect(kind.item_url, item.pk)
    return render(request, f"{kind.folder}/form.html", {"kind": kind, "form": form})


def _managed(request, kind: Kind, item_id):
    item = selectors.item_for(kind.model, request.user, item_id)
    if not may_manage_item(request.user, item)[0]:
        raise Http404
    return item


def _edit(request, kind: Kind, item_id):
    item = _managed(request, kind, item_id)
    if request.method != "POST":
        form = kind.form(initial=kind.form.initial_of(item))
        return render(
            request, f"{kind.folder}/form.html", {"kind": kind, "form": form, "item": item}
        )
    form = kind.form(request.POST)
    stale = False
    if form.is_valid():
        try:
            item = kind.update(
                item, form.service_data(), actor=request.user, version=form.cleaned_data["version"]
            )
        except Conflict as failure:
            stale = failure.code == "stale_version"
            if not stale:
                form.show_refusal(failure)
        except DomainError as failure:
            form.show_refusal(failure)
        else:
            if "publish" in request.POST and item.status != ListingStatus.PUBLISHED:
                try:
                    kind.publish(item, actor=request.user)
                except DomainError as failure:
                    # The changes are saved (a new version): say so, and why it is not listed.
                    messages.error(
                        request,
                        _("Your changes are saved, but the item is not published: %(why)s")
                        % {"why": refusal_text(failure)},
                    )
                    return redirect(kind.item_url, item.pk)
                messages.success(request, _("Saved and published in the catalogue."))
                return redirect(kind.item_url, item.pk)
            messages.success(request, _("Your changes are saved."))
            return redirect(kind.item_url, item.pk)
    context = {"kind": kind, "form": form, "item": item, "stale": stale}
    return render(request, f"{kind.folder}/form.html", context)


def _change_status(request, kind: Kind, item_id, action: str):
    item = _managed(request, kind, item_id)
    try:
        if action == "publish":
            kind.publish(item, actor=request.user)
            messages.success(request, _("Published in the catalogue."))
        else:
            kind.archive(item, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Archived: no longer listed in the catalogue."))
    except DomainError as failure:
        messages.error(request, refusal_text(failure))
    return redirect(kind.item_url, item.pk)


def refusal_text(failure: DomainError) -> str:
    """A refusal in one sentence, each field named with its rule."""
    if not failure.errors:
        return str(failure.message)
    return f"{failure.message} " + "; ".join(f"{e.field}: {e.message}" for e in failure.errors)


@signed_in
def technology_new(request):
    return _new(request, TECHNOLOGY)


@signed_in
def product_new(request):
    return _new(request, PRODUCT)


@signed_in
def technology_edit(request, item_id):
    return _edit(request, TECHNOLOGY, item_id)


@signed_in
def product_edit(request, item_id):
    return _edit(request, PRODUCT, item_id)


@signed_in
@require_POST
def technology_publish(request, item_id):
    return _change_status(request, TECHNOLOGY, item_id, "publish")


@signed_in
@require_POST
def technology_archive(request, item_id):
    return _change_status(request, TECHNOLOGY, item_id, "archive")


@signed_in
@require_POST
def product_publish(request, item_id):
    return _change_status(request, PRODUCT, item_id, "publish")


@signed_in
@require_POST
def product_archive(request, item_id):
    return _change_status(request, PRODUCT, item_id, "archive")


# --- expressions of interest ------------------------------------------------------------------


@signed_in
@require_safe
def interest(request):
    """The inbox: interest the user's organisations received in their items, and sent."""
    return render(request, "exchange/interest/inbox.html", selectors.inbox(request.user))


@signed_in
@require_POST
def interest_new(request):
    """Send an expression of interest from an item's page (kind + id), then back to it."""
    form = InterestForm(request.POST, organisations=acting_organisations(request.user))
    kind = request.POST.get("kind", "")
    item_id = request.POST.get("id", "")
    back = (
        selectors.ITEM_URLS.get(kind, "").format(id=item_id) if kind in selectors.ITEM_URLS else ""
    )
    if not form.is_valid() and ("kind" in form.errors or "id" in form.errors):
        raise Http404
    try:
        services.express_interest(
            actor=request.user,
            kind=kind,
            target_id=item_id,
            message=request.POST.get("message", ""),
            organisation=request.POST.get("organisation") or None,
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as failure:
        messages.error(request, refusal_text(failure))
    else:
        messages.success(
            request, _("Your interest was sent: the owner's people will see it in their inbox.")
        )
    return redirect(back or reverse("exchange:interest"))
