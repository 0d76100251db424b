"""The catalogue's use cases: technology offers, products and services, expressions of interest.

Every use case checks who may do it (``catalogue_permissions``: (allowed, reason)), runs in one
transaction and records an audit event. Bad input raises ``ValidationFailed`` naming each field
and its rule (``title``, ``trl``, ``patent_numbers[1]``, ``priority_areas[0]``) and changes
nothing.

A listing's life: a **draft** (seen by its owner's people only) is edited freely; **publish**
lists it once it is complete (else refused, naming each missing field); a published listing
may still be edited but must stay complete; **archive** takes it out of the catalogue (kept for
history, still at its address); an archived listing may be published again. Every edit names
the version it was made from: an edit from an older version is refused (``stale_version``), so
nobody overwrites a colleague's change unseen.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.audit import record_event, snapshot
from innocluster.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from innocluster.core.notifications import notify
from innocluster.core.text import clean_text
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.choices import ADMITTED_STATUSES
from innocluster.registry.models import Organisation

from .catalogue_patents import check_patent_numbers
from .catalogue_permissions import (
    may_express_interest,
    may_list_product,
    may_manage_item,
    may_offer_technology,
)
from .choices import (
    ChallengeStatus,
    InterestTarget,
    IpKind,
    Language,
    ListingStatus,
    PriceModel,
)
from .models import Challenge, ExpressionOfInterest, Product, TechnologyOffer
from .permissions import acting_organisations
from .services.acting import permit

# --- the fields of a listing ------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    limit: int
    multiline: bool = True


COMMON_FIELDS = {
    "language": "language",
    "title": Text(300, multiline=False),
    "summary": Text(2000),
    "title_translated": Text(300, multiline=False),
    "summary_translated": Text(2000),
    "description": Text(20000),
    "priority_areas": "areas",
}
TECHNOLOGY_FIELDS = {
    **COMMON_FIELDS,
    "ip_kinds": "ip_kinds",
    "patent_numbers": "patents",
    "trl": "trl",
    "licensing_terms": Text(10000),
    "partnership_terms": Text(10000),
    "lab_competencies": Text(10000),
}
PRODUCT_FIELDS = {
    **COMMON_FIELDS,
    "trl": "trl_optional",
    "references": Text(5000),
    "price_model": "price_model",
    "price_note": Text(300, multiline=False),
}
FIELDS = {TechnologyOffer: TECHNOLOGY_FIELDS, Product: PRODUCT_FIELDS}
REQUIRED_ON_CREATE = {TechnologyOffer: ("title", "trl"), Product: ("title",)}
REQUIRED_TO_PUBLISH = ("title", "summary", "description", "priority_areas")
AUDIT_NAMES = {TechnologyOffer: "technology", Product: "product"}


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _code_list(value, field: str, allowed, errors: list) -> list | None:
    if not isinstance(value, list | tuple):
        errors.append(FieldError(field, _("must be a list of codes"), "type"))
        return None
    result: list[str] = []
    ok = True
    for index, code in enumerate(value):
        if not isinstance(code, str) or code not in allowed:
            errors.append(
                FieldError(
                    f"{field}[{index}]",
                    _("must be one of: %(codes)s") % {"codes": ", ".join(allowed)},
                    "invalid_choice",
                )
            )
            ok = False
        elif code in result:
            errors.append(FieldError(f"{field}[{index}]", _("is listed twice"), "duplicate"))
            ok = False
        else:
            result.append(code)
    return result if ok else None


def _trl(value, field: str, errors: list, *, optional: bool):
    if value is None or value == "":
        if not optional:
            errors.append(FieldError(field, _("is required"), "required"))
        return None
    if (
        isinstance(value, str)
        and value.strip().isascii()
        and value.strip().isdigit()
        and len(value.strip()) < 3
    ):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(field, _("must be a whole number from 1 to 9"), "type"))
        return None
    if not 1 <= value <= 9:
        errors.append(FieldError(field, _("must be from 1 to 9"), "invalid"))
        return None
    return value


def _choice(value, field: str, choices, errors: list):
    if not isinstance(value, str) or value not in choices.values:
        errors.append(
            FieldError(
                field,
                _("must be one of: %(codes)s") % {"codes": ", ".join(choices.values)},
                "invalid_choice",
            )
        )
        return None
    return value


def _clean(model, data, *, creating: bool) -> dict:
    """Parse and check a listing's attributes; ValidationFailed names each bad one."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", _("must be an object"), "type")])
    fields = FIELDS[model]
    errors: list[FieldError] = []
    clean: dict = {}
    for key in data:
        if key not in fields:
            errors.append(FieldError(str(key), _("is not a known field"), "unknown_field"))
    if creating:
        for key in REQUIRED_ON_CREATE[model]:
            if _is_empty(data.get(key)):
                errors.append(FieldError(key, _("is required"), "required"))
    for key, value in data.items():
        kind = fields.get(key)
        if kind is None or (creating and key in REQUIRED_ON_CREATE[model] and _is_empty(value)):
            continue
        if isinstance(kind, Text):
            before = len(errors)
            text = clean_text(
                errors,
                key,
                value,
                max_length=kind.limit,
                required=key == "title",
                multiline=kind.multiline,
            )
            if len(errors) == before:
                clean[key] = text
        elif kind == "language":
            clean[key] = _choice(value, key, Language, errors)
        elif kind == "areas":
            clean[key] = _code_list(value, key, PRIORITY_AREA_CODES, errors)
        elif kind == "ip_kinds":
            clean[key] = _code_list(value, key, tuple(IpKind.values), errors)
        elif kind == "patents":
            numbers, problems = check_patent_numbers(value, key)
            errors += problems
            clean[key] = numbers
        elif kind == "trl":
            clean[key] = _trl(value, key, errors, optional=False)
        elif kind == "trl_optional":
            clean[key] = _trl(value, key, errors, optional=True)
        elif kind == "price_model":
            clean[key] = _choice(value, key, PriceModel, errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


def _consistency(model, values: dict) -> list[FieldError]:
    """Rules between fields, on the listing as it would be, at every save."""
    errors = []
    patents = values.get("patent_numbers")
    if model is TechnologyOffer and patents and IpKind.PATENT not in values.get("ip_kinds", []):
        errors.append(
            FieldError(
                "patent_numbers",
                _("are given only when the intellectual property includes a patent"),
                "invalid",
            )
        )
    return errors


def missing_to_publish(model, values: dict) -> list[FieldError]:
    """What a listing lacks to be published (each field named)."""
    errors = [
        FieldError(name, _("is required to publish"), "required")
        for name in REQUIRED_TO_PUBLISH
        if _is_empty(values.get(name))
    ]
    if model is TechnologyOffer:
        if not values.get("ip_kinds"):
            errors.append(
                FieldError(
                    "ip_kinds",
                    _("is required to publish: a patent, know-how or software"),
                    "required",
                )
            )
        if IpKind.PATENT in (values.get("ip_kinds") or []) and not values.get("patent_numbers"):
            errors.append(
                FieldError(
                    "patent_numbers",
                    _("at least one is required when the intellectual property includes a patent"),
                    "required",
                )
            )
        if not (values.get("licensing_terms") or values.get("partnership_terms")):
            errors.append(
                FieldError(
                    "licensing_terms",
                    _("licensing or partnership terms are required to publish"),
                    "required",
                )
            )
    return errors


def _values(item) -> dict:
    return {name: getattr(item, name) for name in FIELDS[type(item)]}


def _audit(actor, action: str, item, *, before=None, after=None, summary: str = "") -> None:
    record_event(
        actor=actor,
        action=f"exchange.{AUDIT_NAMES[type(item)]}_{action}",
        obj=item,
        before=before,
        after=after,
        summary=summary,
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _create(model, owner: Organisation, data: dict, *, actor, permission, publish: bool):
    permit(permission(actor, owner))
    with transaction.atomic():
        clean = _clean(model, data, creating=True)
        errors = _consistency(model, clean)
        if publish:
            errors += missing_to_publish(model, clean)
        if errors:
            raise ValidationFailed(errors)
        item = model(owner=owner, created_by=_user(actor), **clean)
        if publish:
            item.status = ListingStatus.PUBLISHED
            item.published_at = timezone.now()
        item.save()
        _audit(actor, "created", item, after=snapshot(item, [*FIELDS[model], "status"]))
    return item


def _lock(item):
    return type(item).objects.select_for_update().select_related("owner").get(pk=item.pk)


def _check_version(item, version) -> None:
    if version is None:
        return
    if isinstance(version, str) and version.strip().isascii() and version.strip().isdigit():
        version = int(version)
    if version != item.version:
        raise Conflict(
            _(
                "Someone else changed this item meanwhile (version %(current)s, yours "
                "%(yours)s): nothing was saved. Reload it and make your change again."
            )
            % {"current": item.version, "yours": version},
            code="stale_version",
            errors=[FieldError("version", _("is not the latest version"), "stale_version")],
        )


def _update(item, changes: dict, *, actor, version):
    permit(may_manage_item(actor, item))
    with transaction.atomic():
        item = _lock(item)
        _check_version(item, version)
        if item.status == ListingStatus.ARCHIVED:
            raise Conflict(
                _("An archived item cannot be changed; publish it again first."),
                code="archived",
            )
        model = type(item)
        clean = _clean(model, changes, creating=False)
        before = _values(item)
        values = {**before, **clean}
        errors = _consistency(model, values)
        if item.status == ListingStatus.PUBLISHED:  # a listed item stays complete
            errors += missing_to_publish(model, values)
        if errors:
            raise ValidationFailed(errors)
        changed = {k: v for k, v in clean.items() if before[k] != v}
        if not changed:
            return item
        for key, value in changed.items():
            setattr(item, key, value)
        item.version += 1
        item.save()
        _audit(
            actor,
            "updated",
            item,
            before={k: before[k] for k in changed},
            after={**changed, "version": item.version},
        )
    return item


def _publish(item, *, actor):
    permit(may_manage_item(actor, item))
    with transaction.atomic():
        item = _lock(item)
        if item.status == ListingStatus.PUBLISHED:
            raise Conflict(_("The item is already published."), code="already_published")
        model = type(item)
        errors = _consistency(model, _values(item)) + missing_to_publish(model, _values(item))
        if errors:
            raise ValidationFailed(errors, message=_("The item is not complete: nothing changed."))
        before = item.status
        item.status = ListingStatus.PUBLISHED
        item.published_at = timezone.now()
        item.version += 1
        item.save()
        _audit(
            actor,
            "published",
            item,
            before={"status": before},
            after={"status": item.status, "published_at": item.published_at},
        )
    return item


def _archive(item, *, actor, reason: str = ""):
    permit(may_manage_item(actor, item))
    with transaction.atomic():
        item = _lock(item)
        if item.status == ListingStatus.ARCHIVED:
            raise Conflict(_("The item is already archived."), code="already_archived")
        errors: list[FieldError] = []
        reason = clean_text(errors, "reason", reason, max_length=1000)
        if errors:
            raise ValidationFailed(errors)
        before = item.status
        item.status = ListingStatus.ARCHIVED
        item.version += 1
        item.save()
        _audit(
            actor,
            "archived",
            item,
            before={"status": before},
            after={"status": item.status},
            summary=reason,
        )
    return item


# --- technology offers ------------------------------------------------------------------------


def create_technology(
    owner: Organisation, data: dict, *, actor, publish: bool = False
) -> TechnologyOffer:
    """Offer a technology (a university's or research institute's people).

    Args: the offering organisation; ``data``: title and trl (1..9) are required; language
    (ru, en), summary, title_translated, summary_translated, description, priority_areas
    (codes), ip_kinds (patent, know_how, software), patent_numbers (Russian numbers, a list or
    one a line; required to publish when ip_kinds holds patent), licensing_terms,
    partnership_terms, lab_competencies are optional; who; ``publish`` to list it at once
    (it must then be complete).
    Returns: the draft (or published) offer. Raises NotPermitted (naming the kinds that may
    offer technologies), or ValidationFailed naming each bad field."""
    return _create(
        TechnologyOffer, owner, data, actor=actor, permission=may_offer_technology, publish=publish
    )


def update_technology(offer: TechnologyOffer, changes: dict, *, actor, version) -> TechnologyOffer:
    """Change an offer (its owner's people), made from ``version`` (refused with
    ``stale_version`` when someone saved since). A published offer must stay complete.
    Returns: the offer. Raises NotPermitted, Conflict, or ValidationFailed naming each field."""
    return _update(offer, changes, actor=actor, version=version)


def publish_technology(offer: TechnologyOffer, *, actor) -> TechnologyOffer:
    """List a draft or archived offer in the catalogue (its owner's people). Refused
    (ValidationFailed) naming each missing field: title, summary, description, priority_areas,
    ip_kinds, patent_numbers (with a patent), licensing_terms (or partnership terms)."""
    return _publish(offer, actor=actor)


def archive_technology(offer: TechnologyOffer, *, actor, reason: str = "") -> TechnologyOffer:
    """Take an offer out of the catalogue (its owner's people); kept at its address."""
    return _archive(offer, actor=actor, reason=reason)


# --- products and services --------------------------------------------------------------------


def create_product(owner: Organisation, data: dict, *, actor, publish: bool = False) -> Product:
    """List a product or service (any admitted member's people).

    Args: the organisation; ``data``: title is required; language, summary, title_translated,
    summary_translated, description, priority_areas, trl (1..9, optional), references,
    price_model (fixed, subscription, per_unit, on_request, free), price_note are optional;
    who; ``publish`` to list it at once (it must then be complete).
    Returns: the product. Raises NotPermitted, or ValidationFailed naming each bad field."""
    return _create(Product, owner, data, actor=actor, permission=may_list_product, publish=publish)


def update_product(product: Product, changes: dict, *, actor, version) -> Product:
    """Change a product (its owner's people), as ``update_technology``."""
    return _update(product, changes, actor=actor, version=version)


def publish_product(product: Product, *, actor) -> Product:
    """List a draft or archived product (refused naming each missing field: title, summary,
    description, priority_areas)."""
    return _publish(product, actor=actor)


def archive_product(product: Product, *, actor, reason: str = "") -> Product:
    """Take a product out of the catalogue (its owner's people)."""
    return _archive(product, actor=actor, reason=reason)


# --- expressions of interest ------------------------------------------------------------------

# Challenges take interest while they are live; drafts are invisible, closed ones are done.
CHALLENGE_OPEN_STATES = (
    ChallengeStatus.OPEN,
    ChallengeStatus.EVALUATING,
    ChallengeStatus.PILOTING,
)
TARGET_MODELS = {
    InterestTarget.CHALLENGE: Challenge,
    InterestTarget.TECHNOLOGY: TechnologyOffer,
    InterestTarget.PRODUCT: Product,
}
# What the owner's people are told; a challenge's notice uses its public fields only (its title).
INTEREST_TITLES = {
    InterestTarget.CHALLENGE: gettext_lazy(
        "%(organisation)s is interested in your challenge “%(title)s”"
    ),
    InterestTarget.TECHNOLOGY: gettext_lazy(
        "%(organisation)s is interested in your technology “%(title)s”"
    ),
    InterestTarget.PRODUCT: gettext_lazy(
        "%(organisation)s is interested in your product “%(title)s”"
    ),
}
INBOX_URL = "/exchange/interest/"


def parse_uuid(value):
    """A UUID from a string or a UUID; None when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _challenge_visible(actor, challenge: Challenge) -> bool:
    """The challenges' own rule (``selectors.may_see_challenge``) decides who sees one."""
    from .selectors import may_see_challenge

    return may_see_challenge(actor, challenge)


def interest_target(actor, kind: str, target_id):
    """The item ``actor`` may express interest in, or NotFound (absent or not visible).

    Args: ``kind`` (challenge, technology, product) and the item's id.
    Raises ValidationFailed naming ``kind`` or ``id`` when malformed."""
    errors = []
    if kind not in InterestTarget.values:
        errors.append(
            FieldError(
                "kind",
                _("must be one of: %(codes)s") % {"codes": ", ".join(InterestTarget.values)},
                "invalid_choice",
            )
        )
    pk = parse_uuid(target_id)
    if pk is None:
        errors.append(FieldError("id", _("must be the item's id (a UUID)"), "invalid"))
    if errors:
        raise ValidationFailed(errors)
    model = TARGET_MODELS[kind]
    item = model.objects.select_related("owner").filter(pk=pk).first()
    if item is None:
        raise NotFound()
    if kind == InterestTarget.CHALLENGE:
        if not _challenge_visible(actor, item):
            raise NotFound()
    else:
        from .catalogue_selectors import visible

        if not visible(model, actor).filter(pk=item.pk).exists():
            raise NotFound()  # a draft, or an owner no longer admitted: not theirs to see
    return item


def _is_open(kind: str, item) -> bool:
    if kind == InterestTarget.CHALLENGE:
        return item.status in CHALLENGE_OPEN_STATES
    return item.status == ListingStatus.PUBLISHED


def _sender(actor, organisation, item) -> Organisation:
    """The organisation the interest comes from: the one given, or the only one ``actor`` acts
    for besides the item's owner."""
    if organisation is not None:
        if not isinstance(organisation, Organisation):
            pk = parse_uuid(organisation)
            found = Organisation.objects.filter(pk=pk).first() if pk else None
            if found is None:
                raise ValidationFailed(
                    [FieldError("organisation", _("is not an organisation you act for"), "invalid")]
                )
            organisation = found
        return organisation
    candidates = [o for o in acting_organisations(actor) if o.pk != item.owner_id]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        if any(o.pk == item.owner_id for o in acting_organisations(actor)):
            raise NotPermitted(_("An organisation cannot express interest in its own item."))
        raise NotPermitted(
            _("Only people acting for an organisation admitted to the cluster may do this.")
        )
    raise ValidationFailed(
        [
            FieldError(
                "organisation",
                _("you act for several organisations: choose the one that is interested"),
                "required",
            )
        ]
    )


def _already(organisation: Organisation, item, existing: ExpressionOfInterest) -> Conflict:
    return Conflict(
        _("%(organisation)s already expressed interest in “%(title)s” on %(date)s.")
        % {
            "organisation": organisation.name,
            "title": item.title,
            "date": timezone.localtime(existing.created_at).strftime("%d.%m.%Y"),
        },
        code="already_interested",
        errors=[
            FieldError(
                "organisation",
                _("has already expressed interest in this item"),
                "already_interested",
            )
        ],
    )


def express_interest(
    *, actor, kind: str, target_id, message: str = "", organisation=None
) -> ExpressionOfInterest:
    """Tell an item's owner that an organisation is interested (once per organisation and item).

    Args: who (a person acting for an admitted organisation, or its token); the item's kind
    (challenge, technology, product) and id; an optional message (at most 3,000 characters);
    the interested organisation (needed only when ``actor`` acts for several).
    Returns: the ExpressionOfInterest; the owner's people are notified. Raises NotFound (an item
    ``actor`` may not see), NotPermitted (the owner itself; nobody admitted), Conflict
    (``not_open``: a draft, archived or closed item; ``already_interested``: the second time),
    or ValidationFailed naming ``kind``, ``id``, ``message`` or ``organisation``."""
    item = interest_target(actor, kind, target_id)
    sender = _sender(actor, organisation, item)
    permit(may_express_interest(actor, sender, item.owner_id))
    errors: list[FieldError] = []
    message = clean_text(errors, "message", message, max_length=3000)
    if errors:
        raise ValidationFailed(errors)
    if item.owner.status not in ADMITTED_STATUSES:
        from .permissions import owner_not_admitted_reason

        raise Conflict(owner_not_admitted_reason(), code="owner_not_admitted")
    if not _is_open(kind, item):
        raise Conflict(_("This item does not take expressions of interest now."), code="not_open")
    existing = ExpressionOfInterest.objects.filter(
        target_kind=kind, target_id=item.pk, organisation=sender
    ).first()
    if existing is not None:
        raise _already(sender, item, existing)
    try:
        with transaction.atomic():
            interest = ExpressionOfInterest.objects.create(
                target_kind=kind,
                target_id=item.pk,
                target_owner_id=item.owner_id,
                organisation=sender,
                created_by=_user(actor),
                message=message,
            )
            record_event(
                actor=actor,
                action="exchange.interest_expressed",
                obj=interest,
                after={
                    "target_kind": kind,
                    "target_id": item.pk,
                    "organisation": sender.pk,
                    "message": message,
                },
            )
            notify(
                [item.owner],
                f"exchange.interest.{kind}",
                INTEREST_TITLES[kind],
                body=message or None,
                params={"organisation": sender.name_ru, "title": item.title},
                url=INBOX_URL,
                obj=interest,
            )
    except IntegrityError:  # the same organisation, at the same instant, from another tab
        existing = ExpressionOfInterest.objects.filter(
            target_kind=kind, target_id=item.pk, organisation=sender
        ).first()
        if existing is None:
            raise
        raise _already(sender, item, existing) from None
    return interest
