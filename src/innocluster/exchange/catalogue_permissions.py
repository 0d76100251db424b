"""Who may do what with technology offers, products and expressions of interest: predicates
return (allowed, reason) so a page can say why.

``actor`` is a person (User) or a system acting for one organisation (accounts.ApiToken). A
person acts for an organisation when they hold an owner, editor or signatory role in it; any
role (viewers too) lets them read what the organisation may read, drafts included.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.accounts.models import ApiToken
from innocluster.documents.permissions import MANAGING_ROLES, acts_for, is_person
from innocluster.registry.choices import ADMITTED_STATUSES, OrganisationKind
from innocluster.registry.models import Organisation

from .permissions import organisation_ids

# The kinds of organisation that offer technologies for transfer.
TECHNOLOGY_OWNER_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE)


def acting_organisations(actor) -> list[Organisation]:
    """The admitted organisations ``actor`` acts for (owner, editor, signatory), by name."""
    ids = organisation_ids(actor, MANAGING_ROLES)
    if not ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=ids, status__in=ADMITTED_STATUSES).order_by(
            "name_ru", "id"
        )
    )


def _acts_for_admitted(actor, organisation) -> tuple[bool, str]:
    if not (is_person(actor) or isinstance(actor, ApiToken)):
        return False, _("Sign in first.")
    if organisation is None or not acts_for(actor, organisation):
        return False, _("Only the organisation's owners, editors and signatories may do this.")
    if organisation.status not in ADMITTED_STATUSES:
        return False, _("Only organisations admitted to the cluster may do this.")
    return True, ""


def may_offer_technology(actor, organisation) -> tuple[bool, str]:
    """A university's or research institute's people offer its technologies."""
    allowed, reason = _acts_for_admitted(actor, organisation)
    if not allowed:
        return allowed, reason
    if organisation.kind not in TECHNOLOGY_OWNER_KINDS:
        return False, _(
            "Technology offers come from universities and research institutes; "
            "“%(name)s” is registered as “%(kind)s”."
        ) % {"name": organisation.name, "kind": OrganisationKind(organisation.kind).label}
    return True, ""


def may_list_product(actor, organisation) -> tuple[bool, str]:
    """Any admitted member's people list its products and services."""
    return _acts_for_admitted(actor, organisation)


def may_manage_item(actor, item) -> tuple[bool, str]:
    """The owner's owners, editors and signatories edit, publish and archive an item."""
    if acts_for(actor, item.owner):
        return True, ""
    return False, _("Only the owner's people may change this item.")


def belongs_to_owner(actor, item) -> bool:
    """``actor`` holds any role in the item's owner: they see its drafts and who is interested."""
    return item.owner_id in organisation_ids(actor)


def may_express_interest(actor, organisation, owner_id) -> tuple[bool, str]:
    """A person acting for an admitted organisation, other than the item's owner."""
    allowed, reason = _acts_for_admitted(actor, organisation)
    if not allowed:
        return allowed, reason
    if organisation.pk == owner_id:
        return False, _("An organisation cannot express interest in its own item.")
    return True, ""
