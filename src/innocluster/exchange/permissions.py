"""Who may do what with challenges and solutions: predicates return (allowed, reason).

``actor`` is a person (User) or a system acting for one organisation (accounts.ApiToken). A
person acts for an organisation when they hold an owner, editor or signatory role in it
(``documents.permissions.acts_for``); any role (viewers too) lets them read what their
organisation may read.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.accounts.models import ApiToken
from innocluster.documents.permissions import MANAGING_ROLES, acts_for, is_person
from innocluster.registry.choices import ADMITTED_STATUSES
from innocluster.registry.models import Organisation, OrganisationRole

from .choices import ChallengeStatus, SolutionStatus

# Solutions the owner still has to decide on (and the responder may still withdraw).
OPEN_SOLUTION_STATES = (
    SolutionStatus.RECEIVED,
    SolutionStatus.SHORTLISTED,
    SolutionStatus.PILOT_PROPOSED,
)


def owner_not_admitted_reason() -> str:
    """Why a suspended or withdrawn organisation's challenge or listing takes nothing new."""
    return _(
        "The owner is no longer admitted to the cluster: it takes no solutions or expressions "
        "of interest now."
    )


def is_fund_staff(actor) -> bool:
    return bool(is_person(actor) and actor.is_fund_staff)


def organisation_ids(actor, roles=None) -> set:
    """The organisations ``actor`` belongs to (any role, or one of ``roles``); a token's own."""
    if isinstance(actor, ApiToken):
        return {actor.organisation_id} if actor.is_active else set()
    if not is_person(actor):
        return set()
    rows = OrganisationRole.objects.filter(user=actor)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return set(rows.values_list("organisation_id", flat=True))


def acting_organisations(actor) -> list[Organisation]:
    """The admitted organisations ``actor`` may act for on the exchange (post, answer, accept
    an NDA), by name."""
    ids = organisation_ids(actor, MANAGING_ROLES)
    if not ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=ids, status__in=ADMITTED_STATUSES).order_by(
            "name_ru", "id"
        )
    )


def may_act_for(actor, organisation) -> tuple[bool, str]:
    """``actor`` acts for ``organisation`` and it is admitted to the cluster."""
    if not (is_person(actor) or isinstance(actor, ApiToken)):
        return False, _("Sign in first.")
    if organisation is None or not acts_for(actor, organisation):
        return False, _("Only the organisation's owners, editors and signatories may do this.")
    if organisation.status not in ADMITTED_STATUSES:
        return False, _("Only organisations admitted to the cluster may do this.")
    return True, ""


def may_manage_challenge(actor, challenge) -> tuple[bool, str]:
    """The owner's owners, editors and signatories edit, publish and move the challenge and
    its solutions."""
    if acts_for(actor, challenge.owner):
        return True, ""
    return False, _("Only the challenge owner's people may do this.")


def may_respond(actor, challenge, organisation) -> tuple[bool, str]:
    """A person acting for an admitted organisation other than the owner answers a challenge."""
    allowed, reason = may_act_for(actor, organisation)
    if not allowed:
        return allowed, reason
    if organisation.pk == challenge.owner_id:
        return False, _("The challenge's owner cannot answer its own challenge.")
    if challenge.owner.status not in ADMITTED_STATUSES:
        return False, owner_not_admitted_reason()
    if challenge.status != ChallengeStatus.OPEN:
        return False, _("The challenge is not open: it takes no solutions now.")
    return True, ""


def may_withdraw_solution(actor, solution) -> tuple[bool, str]:
    if not acts_for(actor, solution.responder):
        return False, _("Only the responder's people may withdraw the solution.")
    if solution.status not in OPEN_SOLUTION_STATES:
        return False, _("The solution was already decided on: it cannot be withdrawn.")
    return True, ""


def messaging_side(actor, solution):
    """The side ``actor`` writes for on this solution: the challenge's owner or the responder,
    whichever they act for (owner, editor, signatory) and is admitted to the cluster; None when
    neither."""
    for organisation in (solution.challenge.owner, solution.responder):
        if acts_for(actor, organisation) and organisation.status in ADMITTED_STATUSES:
            return organisation
    return None


def may_post_message(actor, solution) -> tuple[bool, str]:
    """The owners, editors and signatories of an admitted side write messages; everyone else
    who sees the solution (viewers, the people of a suspended or withdrawn side) reads them."""
    if messaging_side(actor, solution) is not None:
        return True, ""
    sides = (solution.challenge.owner, solution.responder)
    if any(acts_for(actor, organisation) for organisation in sides):
        return False, _(
            "Your organisation is not admitted to the cluster now: it cannot send messages."
        )
    return False, _(
        "Only the owners, editors and signatories of the challenge's owner or of the responder "
        "may write messages; you may read them."
    )
