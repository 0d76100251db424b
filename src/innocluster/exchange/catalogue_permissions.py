"""Who may do what with technology offers, products and expressions of interest: predicates
return (allowed, reason) so a page can say why.

``actor`` is a person (User) or a system acting for one organisation (accounts.ApiToken). A
person acts for an organisation when they hold an owner, editor or signatory role in it; any
role (viewers too) lets them read what the organisation may read, drafts included.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.documents.permissions import acts_for
from innocluster.registry.choices import OrganisationKind

from .permissions import may_act_for, organisation_ids

# The kinds of organisation that offer technologies for transfer.
TECHNOLOGY_OWNER_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE)


def may_offer_technology(actor, organisation) -> tuple[bool, str]:
    """A university's or research institute's people offer its technologies."""
    allowed, reason = may_act_for(actor, organisation)
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
    return may_act_for(actor, organisation)


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
    allowed, reason = may_act_for(actor, organisation)
    if not allowed:
        return allowed, reason
    if organisation.pk == owner_id:
        return False, _("An organisation cannot express interest in its own item.")
    return True, ""
