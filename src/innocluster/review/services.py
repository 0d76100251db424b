"""The expert review's use cases: the expert pool, assignments and conflicts of interest.

Every function checks permission, validates its input, runs inside one ``transaction.atomic``
and records an audit event; when it refuses (``ValidationFailed``, ``Conflict``,
``NotPermitted``) nothing has changed. The automatic assignment of a whole call is
``assignment.assign_automatically`` (re-exported here).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.audit import record_event, snapshot
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.notifications import notify
from innocluster.core.text import clean_text
from innocluster.programmes.choices import ApplicationState, ParticipationStatus
from innocluster.programmes.models import Application, ConsortiumMember
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.models import Organisation

from .assignment import AssignmentReport, assign_automatically, competence_of
from .choices import AssignmentStatus, DeclineReason, ExpertKind
from .conflicts import conflicts_of
from .models import Assignment, ConflictDeclaration, Expert, Review
from .permissions import may_answer_assignment, may_declare_conflict, may_manage_review

__all__ = [
    "ASSIGNABLE_STATES",
    "PRIORITY_AREAS",
    "AssignmentReport",
    "assign_automatically",
    "assign_expert",
    "create_expert",
    "decline_assignment",
    "declare_conflict",
    "unassign",
]

PRIORITY_AREAS = PRIORITY_AREA_CODES
# Experts are assigned to applications in expert review.
ASSIGNABLE_STATES = (ApplicationState.IN_REVIEW,)
MAX_KEYWORDS = 50
MAX_KEYWORD_LENGTH = 100
MAX_LOAD_CAP = 1000


def _permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def _active_load(expert: Expert, call_id) -> int:
    return (
        Assignment.objects.filter(expert=expert, application__call_id=call_id)
        .exclude(status=AssignmentStatus.DECLINED)
        .count()
    )


def assign_expert(application: Application, expert: Expert, *, actor) -> Assignment:
    """An operator assigns ``expert`` to review ``application`` by hand.

    Refused when the application is not in expert review, the expert is inactive, in conflict
    with it (the conflicts' reasons), at their load cap for the call, or already assigned to it
    (or declined it).

    Args: application; expert; actor: an operator.
    Returns: the new ``Assignment`` (``automatic`` false, its competence match).
    Raises: ``NotPermitted``; ``Conflict`` with code ``not_in_review``, ``expert_inactive``,
    ``conflict_of_interest``, ``load_cap`` or ``already_assigned``."""
    _permit(may_manage_review(actor))
    with transaction.atomic():
        # The expert's row serialises assignments to them, so the load cap holds under races.
        expert = Expert.objects.select_for_update().select_related("user").get(pk=expert.pk)
        application = Application.objects.select_related("call").get(pk=application.pk)
        if application.state not in ASSIGNABLE_STATES:
            raise Conflict(
                _(
                    "Experts are assigned only to applications in expert review (this one is “%(state)s”)."
                )
                % {"state": ApplicationState(application.state).label},
                code="not_in_review",
            )
        if not expert.active:
            raise Conflict(_("The expert is not active in the pool."), code="expert_inactive")
        existing = Assignment.objects.filter(application=application, expert=expert).first()
        if existing is not None:
            if existing.status == AssignmentStatus.DECLINED:
                message = _("The expert has declined this application.")
            else:
                message = _("The expert is already assigned to this application.")
            raise Conflict(message, code="already_assigned")
        reasons = conflicts_of(expert, application)
        if reasons:
            raise Conflict(
                _("The expert has a conflict of interest with this application: %(reasons)s")
                % {"reasons": " ".join(reasons)},
                code="conflict_of_interest",
                extra={"reasons": reasons},
            )
        load = _active_load(expert, application.call_id)
        if load >= expert.load_cap:
            raise Conflict(
                _(
                    "The expert already has %(load)d applications of this call, their limit "
                    "is %(cap)d."
                )
                % {"load": load, "cap": expert.load_cap},
                code="load_cap",
            )
        assignment = Assignment.objects.create(
            application=application,
            expert=expert,
            automatic=False,
            competence=competence_of(expert, application),
            assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            actor=actor,
            action="review.assigned",
            obj=application,
            after={"assignment": assignment.pk, "expert": expert.pk},
            summary=_("Expert %(expert)s assigned.") % {"expert": expert},
        )
        notify(
            [expert.user],
            "review.assigned",
            gettext_lazy("You are asked to review application %(number)s"),
            body=gettext_lazy("Call “%(call)s”: %(title)s"),
            params={
                "number": application.number or application.title,
                "call": application.call.title_ru,
                "title": application.title,
            },
            url=f"/review/assignments/{assignment.pk}/",
            obj=assignment,
        )
    return assignment


def unassign(assignment: Assignment, *, actor) -> None:
    """An operator withdraws an assignment before its review is submitted (a draft review
    goes with it).

    Args: assignment; actor: an operator.
    Returns: None.
    Raises: ``NotPermitted``; ``Conflict`` with code ``review_submitted`` or ``declined``."""
    _permit(may_manage_review(actor))
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        submitted = Review.objects.filter(assignment=locked, submitted_at__isnull=False).exists()
        if locked.status == AssignmentStatus.SUBMITTED or submitted:
            raise Conflict(
                _("The expert has submitted the review: the assignment stays."),
                code="review_submitted",
            )
        if locked.status == AssignmentStatus.DECLINED:
            raise Conflict(
                _("The expert declined this assignment: it stays on record."), code="declined"
            )
        before = snapshot(locked)
        application = Application(pk=locked.application_id)
        locked.delete()
        record_event(
            actor=actor,
            action="review.unassigned",
            obj=application,
            before=before,
            summary=_("An expert's assignment withdrawn."),
        )


def decline_assignment(
    assignment: Assignment, *, actor, reason: str, comment: str = ""
) -> Assignment:
    """The assigned expert declines, with a reason (conflict, capacity, other) and a comment
    (required for "other"). A conflict is also recorded as the expert's declared conflict with
    the application, so no later assignment picks them again.

    Args: assignment; actor: the assigned expert; reason: a ``DeclineReason`` code; comment.
    Returns: the assignment, declined.
    Raises: ``NotPermitted``; ``ValidationFailed`` (reason, comment); ``Conflict`` with code
    ``not_open`` when it is already declined or its review submitted."""
    _permit(may_answer_assignment(actor, assignment))
    errors: list[FieldError] = []
    if reason not in DeclineReason.values:
        errors.append(
            FieldError("reason", _("Choose a reason: conflict, capacity or other."), "invalid")
        )
    comment = clean_text(
        errors, "comment", comment, max_length=500, required=reason == DeclineReason.OTHER
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != AssignmentStatus.ASSIGNED:
            raise Conflict(
                _("Only an open assignment can be declined (this one is “%(status)s”).")
                % {"status": AssignmentStatus(locked.status).label},
                code="not_open",
            )
        before = snapshot(locked, ["status", "decline_reason", "decline_comment"])
        locked.status = AssignmentStatus.DECLINED
        locked.decline_reason = reason
        locked.decline_comment = comment
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "decline_comment", "answered_at"])
        if (
            reason == DeclineReason.CONFLICT
            and not ConflictDeclaration.objects.filter(
                expert_id=locked.expert_id, application_id=locked.application_id
            ).exists()
        ):
            ConflictDeclaration.objects.create(
                expert_id=locked.expert_id,
                application_id=locked.application_id,
                reason=comment,
            )
        record_event(
            actor=actor,
            action="review.declined",
            obj=Application(pk=locked.application_id),
            before=before,
            after=snapshot(locked, ["status", "decline_reason", "decline_comment"])
            | {"assignment": locked.pk},
            summary=_("An expert declined: %(reason)s") % {"reason": DeclineReason(reason).label},
        )
        _tell_staff_declined(locked, reason, comment)
    return locked


def _tell_staff_declined(assignment: Assignment, reason: str, comment: str) -> None:
    """The Fund's operators hear that an expert declined: the application needs another."""
    from innocluster.accounts.models import User

    application = Application.objects.select_related("call").get(pk=assignment.application_id)
    expert = Expert.objects.select_related("user").get(pk=assignment.expert_id)
    notify(
        list(User.objects.staff_of_fund().filter(is_active=True)),
        "review.declined",
        gettext_lazy("Expert %(expert)s declined application %(number)s: %(reason)s"),
        body=gettext_lazy("Assign another expert. Comment: %(comment)s") if comment else None,
        params={
            "expert": str(expert),
            "number": application.number or application.title,
            "reason": DeclineReason(reason).label,
            "comment": comment,
        },
        url=f"/review/calls/{application.call.code}/",
        obj=application,
    )


def declare_conflict(
    expert: Expert,
    *,
    organisation: Organisation | None = None,
    application: Application | None = None,
    reason: str = "",
    actor,
) -> ConflictDeclaration:
    """Record the expert's conflict of interest with an organisation (any application it takes
    part in) or with one application (exactly one of the two). The expert's open assignments
    it concerns are declined with the reason "conflict of interest".

    Args: expert; organisation or application; reason (up to 500 characters); actor: the
    expert themself or an operator.
    Returns: the new ``ConflictDeclaration``.
    Raises: ``NotPermitted``; ``ValidationFailed`` (neither or both named, reason);
    ``Conflict`` with code ``already_declared``."""
    _permit(may_declare_conflict(actor, expert))
    errors: list[FieldError] = []
    if (organisation is None) == (application is None):
        errors.append(
            FieldError(
                "organisation",
                _("Name either an organisation or an application."),
                "required",
            )
        )
    reason = clean_text(errors, "reason", reason, max_length=500)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        same = ConflictDeclaration.objects.filter(
            expert=expert, organisation=organisation, application=application
        )
        if same.exists():
            raise Conflict(_("This conflict is already declared."), code="already_declared")
        declaration = ConflictDeclaration.objects.create(
            expert=expert, organisation=organisation, application=application, reason=reason
        )
        open_ = Assignment.objects.filter(expert=expert, status=AssignmentStatus.ASSIGNED)
        if application is not None:
            open_ = open_.filter(application=application)
        else:
            involved = ConsortiumMember.objects.filter(organisation=organisation).exclude(
                status=ParticipationStatus.DECLINED
            )
            open_ = open_.filter(application_id__in=involved.values("application_id"))
        declined = list(open_.values_list("pk", flat=True))
        if declined:
            Assignment.objects.filter(pk__in=declined).update(
                status=AssignmentStatus.DECLINED,
                decline_reason=DeclineReason.CONFLICT,
                decline_comment=reason,
                answered_at=timezone.now(),
            )
        record_event(
            actor=actor,
            action="review.conflict_declared",
            obj=expert,
            after={
                "declaration": declaration.pk,
                "organisation": getattr(organisation, "pk", None),
                "application": getattr(application, "pk", None),
                "reason": reason,
                "declined_assignments": declined,
            },
            summary=_("Conflict of interest declared."),
        )
    return declaration


def create_expert(
    user,
    *,
    areas=(),
    keywords=(),
    affiliations=(),
    load_cap: int = 10,
    kind: str = ExpertKind.EXTERNAL,
    actor,
) -> Expert:
    """An operator adds a person to the expert pool.

    Args: user; areas: priority area codes (among the ten); keywords: words or phrases
    (duplicates dropped, case kept); affiliations: ``Organisation`` rows or their ids;
    load_cap: applications per call at most (1 to 1000); kind: internal or external; actor:
    an operator.
    Returns: the new ``Expert``.
    Raises: ``NotPermitted``; ``ValidationFailed`` naming each offending field; ``Conflict``
    with code ``already_expert``."""
    _permit(may_manage_review(actor))
    errors: list[FieldError] = []
    area_items = _string_list(errors, "areas", areas)
    for position, code in area_items:
        if code not in PRIORITY_AREAS:
            errors.append(
                FieldError(
                    f"areas[{position}]",
                    _("Unknown priority area “%(code)s”.") % {"code": code[:40]},
                    "invalid",
                )
            )
    area_list = list(dict.fromkeys(code for _position, code in area_items))
    keyword_list: list[str] = []
    seen: set[str] = set()
    raw_keywords = _string_list(errors, "keywords", keywords)
    if len(raw_keywords) > MAX_KEYWORDS:
        errors.append(
            FieldError("keywords", _("At most %(n)d keywords.") % {"n": MAX_KEYWORDS}, "too_many")
        )
    for position, keyword in raw_keywords[:MAX_KEYWORDS]:
        cleaned = clean_text(
            errors, f"keywords[{position}]", keyword, max_length=MAX_KEYWORD_LENGTH, required=True
        )
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            keyword_list.append(cleaned)
    if isinstance(load_cap, bool) or not isinstance(load_cap, int):
        errors.append(FieldError("load_cap", _("Must be a whole number."), "type"))
    elif not 1 <= load_cap <= MAX_LOAD_CAP:
        errors.append(
            FieldError(
                "load_cap",
                _("Must be from 1 to %(max)d.") % {"max": MAX_LOAD_CAP},
                "out_of_range",
            )
        )
    if kind not in ExpertKind.values:
        errors.append(FieldError("kind", _("Must be internal or external."), "invalid"))
    org_ids = [getattr(a, "pk", a) for a in (affiliations or ())]
    found = (
        set(Organisation.objects.filter(pk__in=org_ids).values_list("pk", flat=True))
        if org_ids
        else set()
    )
    for position, org_id in enumerate(org_ids):
        if org_id not in found:
            errors.append(
                FieldError(f"affiliations[{position}]", _("No such organisation."), "not_found")
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if Expert.objects.filter(user=user).exists():
            raise Conflict(_("This person is already in the expert pool."), code="already_expert")
        expert = Expert.objects.create(
            user=user, kind=kind, areas=area_list, keywords=keyword_list, load_cap=load_cap
        )
        if found:
            expert.affiliations.set(list(found))
        record_event(
            actor=actor,
            action="review.expert_created",
            obj=expert,
            after=snapshot(expert, ["user_id", "kind", "areas", "keywords", "load_cap"])
            | {"affiliations": sorted(str(o) for o in found)},
            summary=_("Expert added to the pool."),
        )
    return expert


def _string_list(errors: list, name: str, value) -> list[tuple[int, str]]:
    """The text items of a list with their positions (each other item is an error)."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        errors.append(FieldError(name, _("Must be a list."), "type"))
        return []
    out = []
    for position, item in enumerate(value):
        if not isinstance(item, str):
            errors.append(FieldError(f"{name}[{position}]", _("Must be a text."), "type"))
        else:
            out.append((position, item.strip()))
    return out
