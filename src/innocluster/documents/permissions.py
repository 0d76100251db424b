"""Who may do what to a document: predicates return (allowed, reason) so a page can say why.

``actor`` is a person (User) or a system acting for one organisation (accounts.ApiToken).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.accounts.models import ApiToken
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import OrganisationRole

from .choices import StepRole, StepStatus

# Roles inside the sender organisation that prepare, send and withdraw its documents.
MANAGING_ROLES = (OrgRole.OWNER, OrgRole.EDITOR, OrgRole.SIGNATORY)


def is_person(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "is_active", False)


def acts_for(actor, organisation, roles=MANAGING_ROLES) -> bool:
    """True when ``actor`` acts for ``organisation``: its token, or a person with one of
    ``roles`` in it."""
    if organisation is None:
        return False
    if isinstance(actor, ApiToken):
        return actor.is_active and actor.organisation_id == organisation.pk
    if not is_person(actor):
        return False
    return OrganisationRole.objects.filter(
        organisation=organisation, user=actor, role__in=roles
    ).exists()


def may_create_document(actor, sender) -> tuple[bool, str]:
    """People of the sender (owners, editors, signatories), its API token, and the Fund's staff."""
    if isinstance(actor, ApiToken) or is_person(actor):
        if is_person(actor) and actor.is_fund_staff:
            return True, ""
        if acts_for(actor, sender):
            return True, ""
        return False, _("Only the sender organisation's people may prepare its documents.")
    return False, _("Sign in first.")


def may_manage_document(actor, document) -> tuple[bool, str]:
    """Add versions, send, revoke: whoever may create documents for its sender."""
    return may_create_document(actor, document.sender)


def may_sign_step(user, step) -> tuple[bool, str]:
    """The step's named person, or for a signatory step any signatory of its organisation."""
    if not is_person(user):
        return False, _("Only a signed-in person can sign.")
    if step.role == StepRole.USER:
        if step.user_id == user.pk:
            return True, ""
        return False, _("This step is for another person.")
    if acts_for(user, step.organisation, roles=(OrgRole.SIGNATORY,)):
        return True, ""
    return False, _("Only a signatory of %(organisation)s may sign this step.") % {
        "organisation": step.organisation
    }


def pending_step_for(user, document):
    """The pending step of ``document`` that ``user`` may sign now, or None."""
    for step in document.steps.filter(status=StepStatus.PENDING).select_related("organisation"):
        if may_sign_step(user, step)[0]:
            return step
    return None


def may_sign_document(user, document) -> tuple[bool, str]:
    """Someone who may sign (or refuse) a pending step of the document now."""
    if pending_step_for(user, document) is not None:
        return True, ""
    return False, _("You have no step of this document to sign now.")


def signs_on_route(user, document) -> tuple[bool, str]:
    """Someone the route names: moves the document as steps are signed or refused."""
    for step in document.steps.select_related("organisation"):
        if may_sign_step(user, step)[0]:
            return True, ""
    return False, _("You are not on this document's signing route.")
