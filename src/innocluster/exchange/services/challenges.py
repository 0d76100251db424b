"""Challenges' use cases: create a draft, edit it against the version the editor loaded,
publish it (refused with every missing field named), move it through its life, and accept its
NDA for an organisation.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field), runs inside one ``transaction.atomic`` and records an audit event; when it
refuses, nothing has changed.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import snapshot
from innocluster.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from innocluster.core.text import clean_text

from .. import notices, workflows
from ..choices import ChallengeOutcome, ChallengeStatus, Language, OwnerOffer, Visibility
from ..models import Challenge, NdaAcceptance
from ..permissions import may_act_for, may_manage_challenge
from ..selectors import may_see_challenge
from .acting import acting_organisation, audit, checked_transition, line, permit

# The fields an owner writes (the form, the API), in the order their errors are listed.
FIELDS = (
    "title",
    "summary",
    "details",
    "expected_result",
    "requirements",
    "visibility",
    "nda_text",
    "priority_areas",
    "trl_min",
    "owner_offers",
    "budget_min_rub",
    "budget_max_rub",
    "deadline",
    "language",
    "title_translated",
    "summary_translated",
)
TEXT_LIMITS = {
    "summary": 2000,
    "details": 20000,
    "expected_result": 10000,
    "requirements": 10000,
    "nda_text": 20000,
    "summary_translated": 2000,
}
MONEY_LIMIT = Decimal("1e15")
EDITABLE_STATES = (
    ChallengeStatus.DRAFT,
    ChallengeStatus.OPEN,
    ChallengeStatus.EVALUATING,
    ChallengeStatus.PILOTING,
)
AUDITED = list(FIELDS) + ["status", "outcome", "outcome_note", "version"]


def area_codes() -> set[str]:
    from innocluster.registry.models import PriorityArea

    return set(PriorityArea.objects.values_list("code", flat=True))


def _codes(errors, field: str, value, allowed: set[str]) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.append(FieldError(field, _("Must be a list of codes."), "type"))
        return []
    unknown = [v for v in value if v not in allowed]
    if unknown:
        errors.append(
            FieldError(
                field,
                _("Unknown codes: %(codes)s. Allowed: %(allowed)s.")
                % {"codes": ", ".join(unknown[:5]), "allowed": ", ".join(sorted(allowed))},
                "invalid_choice",
            )
        )
        return []
    return list(dict.fromkeys(value))


def _choice(errors, field: str, value, choices, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in choices.values:
        errors.append(
            FieldError(
                field,
                _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(choices.values)},
                "invalid_choice",
            )
        )
        return default
    return value


def _money(errors, field: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool | float) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors.append(FieldError(field, _("Must be an amount of roubles."), "type"))
        return None
    if amount < 0 or amount >= MONEY_LIMIT:
        errors.append(FieldError(field, _("Must be between 0 and 10^15 roubles."), "out_of_range"))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.append(FieldError(field, _("At most two digits after the point."), "invalid"))
        return None
    return amount


def _trl(errors, field: str, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(field, _("Must be a whole number from 1 to 9."), "type"))
        return None
    if not 1 <= value <= 9:
        errors.append(FieldError(field, _("Must be from 1 to 9."), "out_of_range"))
        return None
    return value


def clean_fields(data: dict) -> dict:
    """The owner's input checked field by field. Returns the clean values of ``FIELDS``;
    raises ``ValidationFailed`` naming every offending field (unknown keys included)."""
    errors: list[FieldError] = []
    unknown = sorted(set(data) - set(FIELDS))
    for key in unknown:
        errors.append(FieldError(str(key)[:100], _("Unknown field."), "unknown_field"))
    clean: dict = {
        "title": line(errors, "title", data.get("title"), max_length=300, required=True),
        "title_translated": line(
            errors, "title_translated", data.get("title_translated"), max_length=300
        ),
    }
    for name, limit in TEXT_LIMITS.items():
        clean[name] = clean_text(errors, name, data.get(name), max_length=limit)
    clean["visibility"] = _choice(
        errors, "visibility", data.get("visibility"), Visibility, Visibility.PUBLIC
    )
    clean["language"] = _choice(errors, "language", data.get("language"), Language, Language.RU)
    clean["priority_areas"] = _codes(
        errors, "priority_areas", data.get("priority_areas"), area_codes()
    )
    clean["owner_offers"] = _codes(
        errors, "owner_offers", data.get("owner_offers"), set(OwnerOffer.values)
    )
    clean["trl_min"] = _trl(errors, "trl_min", data.get("trl_min"))
    clean["budget_min_rub"] = _money(errors, "budget_min_rub", data.get("budget_min_rub"))
    clean["budget_max_rub"] = _money(errors, "budget_max_rub", data.get("budget_max_rub"))
    low, high = clean["budget_min_rub"], clean["budget_max_rub"]
    if low is not None and high is not None and low > high:
        errors.append(
            FieldError(
                "budget_max_rub",
                _("The budget's upper bound must not be below its lower bound."),
                "out_of_range",
            )
        )
    deadline = data.get("deadline")
    if deadline in (None, ""):
        deadline = None
    elif isinstance(deadline, datetime.datetime) or not isinstance(deadline, datetime.date):
        errors.append(FieldError("deadline", _("Must be a date (YYYY-MM-DD)."), "type"))
        deadline = None
    clean["deadline"] = deadline
    if errors:
        raise ValidationFailed(errors)
    return clean


def publish_problems(challenge: Challenge, *, today=None) -> list[FieldError]:
    """What a challenge lacks to be published, each naming its field."""
    today = today or timezone.localdate()
    problems: list[FieldError] = []
    required = _("Required to publish.")
    if not (challenge.title or "").strip():
        problems.append(FieldError("title", required, "required"))
    if not (challenge.summary or "").strip():
        problems.append(FieldError("summary", required, "required"))
    if challenge.visibility == Visibility.NDA and not (challenge.nda_text or "").strip():
        problems.append(
            FieldError(
                "nda_text",
                _("Required when the details are under NDA: the text responders accept."),
                "required",
            )
        )
    if not challenge.priority_areas:
        problems.append(
            FieldError("priority_areas", _("Choose at least one priority area."), "required")
        )
    if challenge.trl_min is None or not 1 <= challenge.trl_min <= 9:
        problems.append(FieldError("trl_min", _("Give the minimum TRL, from 1 to 9."), "required"))
    low, high = challenge.budget_min_rub, challenge.budget_max_rub
    if low is not None and high is not None and low > high:
        problems.append(
            FieldError(
                "budget_max_rub",
                _("The budget's upper bound must not be below its lower bound."),
                "out_of_range",
            )
        )
    if challenge.deadline is None:
        problems.append(FieldError("deadline", _("Give a deadline for solutions."), "required"))
    elif challenge.deadline <= today:
        problems.append(
            FieldError("deadline", _("The deadline must be in the future."), "in_the_past")
        )
    return problems


def _lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().select_related("owner").get(pk=challenge.pk)


def _check_version(challenge: Challenge, expected_version) -> None:
    if expected_version is not None and int(expected_version) != challenge.version:
        raise Conflict(
            _("Someone else saved this challenge meanwhile."),
            code="stale_version",
            extra={"version": challenge.version},
        )


def _publish(challenge: Challenge, actor) -> None:
    """Open ``challenge`` (already locked), or raise naming every missing field."""
    permit(may_manage_challenge(actor, challenge))
    if challenge.status != ChallengeStatus.DRAFT:
        raise Conflict(_("The challenge is already published."), code="already_published")
    problems = publish_problems(challenge)
    if problems:
        raise ValidationFailed(problems, _("The challenge cannot be published yet."))
    before = {"status": challenge.status}
    challenge.status = ChallengeStatus.OPEN
    challenge.published_at = timezone.now()
    challenge.version += 1
    challenge.save(update_fields=["status", "published_at", "version", "updated_at"])
    audit(actor, "challenge.published", challenge, before=before, after={"status": "open"})


def create_challenge(actor, data: dict, *, owner=None, publish: bool = False) -> Challenge:
    """Create a challenge as a draft for the organisation ``actor`` acts for (``owner``: its
    UUID, required when they act for several), and publish it at once with ``publish``.

    Returns the challenge. Raises ``ValidationFailed`` (each offending field; with ``publish``
    also what publishing lacks), ``NotPermitted``. Nothing is stored when it refuses.
    """
    organisation = acting_organisation(actor, owner, field="owner")
    permit(may_act_for(actor, organisation))
    clean = clean_fields(data)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            owner=organisation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **clean,
        )
        audit(actor, "challenge.created", challenge, after=snapshot(challenge, AUDITED))
        if publish:
            _publish(challenge, actor)
    return challenge


def update_challenge(challenge: Challenge, actor, data: dict, *, expected_version) -> Challenge:
    """Save the owner's edit, made from ``expected_version``. A published challenge must stay
    publishable (its deadline may stay as it was, even if today has reached it).

    Once an organisation accepted the NDA, its text is fixed: they read under the text they
    accepted, so an edit that changes ``nda_text`` (whatever the visibility says, so switching
    away from the NDA and back changes nothing) is refused.

    Raises ``Conflict`` (``stale_version``: someone else saved meanwhile; ``not_editable``:
    closed), ``ValidationFailed`` (``nda_text``: ``nda_accepted``; each offending field) or
    ``NotPermitted``.
    """
    permit(may_manage_challenge(actor, challenge))
    clean = clean_fields(data)
    with transaction.atomic():
        locked = _lock(challenge)
        _check_version(locked, expected_version)
        if locked.status not in EDITABLE_STATES:
            raise Conflict(_("A closed challenge can no longer be changed."), code="not_editable")
        if (
            clean["nda_text"] != locked.nda_text
            and NdaAcceptance.objects.filter(challenge=locked).exists()
        ):
            raise ValidationFailed(
                [
                    FieldError(
                        "nda_text",
                        _(
                            "The NDA cannot change after organisations accepted it: they read "
                            "the details under the text they accepted. Leave it as it was."
                        ),
                        "nda_accepted",
                    )
                ]
            )
        before = snapshot(locked, AUDITED)
        old_deadline = locked.deadline
        for name, value in clean.items():
            setattr(locked, name, value)
        if locked.status != ChallengeStatus.DRAFT:
            problems = [
                p
                for p in publish_problems(locked)
                if not (p.field == "deadline" and locked.deadline == old_deadline and old_deadline)
            ]
            if problems:
                raise ValidationFailed(problems)
        locked.version += 1
        locked.save()
        audit(actor, "challenge.updated", locked, before=before, after=snapshot(locked, AUDITED))
    challenge.refresh_from_db()
    return challenge


def publish_challenge(challenge: Challenge, actor, *, expected_version=None) -> Challenge:
    """Publish a draft: it is listed and takes solutions until its deadline.

    Raises ``ValidationFailed`` naming every missing field (title, summary, priority areas,
    TRL, a future deadline, the NDA text under NDA, the budget's order), ``Conflict``,
    ``NotPermitted``.
    """
    permit(may_manage_challenge(actor, challenge))
    with transaction.atomic():
        locked = _lock(challenge)
        _check_version(locked, expected_version)
        _publish(locked, actor)
    challenge.refresh_from_db()
    return challenge


def move_challenge(
    challenge: Challenge,
    action: str,
    actor,
    *,
    deadline=None,
    outcome: str = "",
    note: str = "",
) -> Challenge:
    """Move the challenge by ``action`` (workflows.CHALLENGE_TRANSITIONS): ``evaluate``,
    ``reopen`` (with a new future ``deadline``), ``start_pilot``, ``close`` (with an
    ``outcome`` of choices.ChallengeOutcome and a ``note``); ``publish`` goes to
    :func:`publish_challenge`.

    Raises ``ValidationFailed`` (``deadline``, ``outcome``, ``note``), ``Conflict``
    (``invalid_transition``), ``NotPermitted``.
    """
    if action == "publish":
        return publish_challenge(challenge, actor)
    permit(may_manage_challenge(actor, challenge))
    with transaction.atomic():
        locked = _lock(challenge)
        transition = checked_transition(
            workflows.CHALLENGE_TRANSITIONS,
            locked,
            action,
            actor,
            _("A challenge in state “%(state)s” cannot be moved by “%(action)s”."),
        )
        errors: list[FieldError] = []
        before = {"status": locked.status, "deadline": locked.deadline}
        after: dict = {"status": transition.target}
        if "deadline" in transition.needs:
            if not isinstance(deadline, datetime.date) or isinstance(deadline, datetime.datetime):
                errors.append(
                    FieldError("deadline", _("Give a new deadline to reopen."), "required")
                )
            elif deadline <= timezone.localdate():
                errors.append(
                    FieldError("deadline", _("The deadline must be in the future."), "in_the_past")
                )
        if "outcome" in transition.needs:
            if outcome not in ChallengeOutcome.values:
                errors.append(
                    FieldError(
                        "outcome",
                        _("Choose the outcome: %(allowed)s.")
                        % {"allowed": ", ".join(ChallengeOutcome.values)},
                        "required",
                    )
                )
            note = clean_text(errors, "note", note, max_length=5000, required=True)
        if errors:
            raise ValidationFailed(errors)
        locked.status = transition.target
        if "deadline" in transition.needs:
            locked.deadline = deadline
            after["deadline"] = deadline
        if "outcome" in transition.needs:
            locked.outcome = outcome
            locked.outcome_note = note
            locked.closed_at = timezone.now()
            after.update(outcome=outcome, outcome_note=note)
        locked.version += 1
        locked.save()
        audit(actor, f"challenge.{action}", locked, before=before, after=after)
    challenge.refresh_from_db()
    return challenge


def nda_sha256(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def accept_nda(challenge: Challenge, actor, *, organisation=None, accept: bool) -> NdaAcceptance:
    """Accept the challenge's NDA on behalf of an organisation ``actor`` acts for
    (``organisation``: its UUID, required when they act for several). ``accept`` is the ticked
    box "I accept on behalf of ...". Records the text's SHA-256, audits it, tells the owner.
    Accepting again returns the earlier acceptance.

    Raises ``NotFound`` (the challenge is not visible), ``ValidationFailed`` (``accept``,
    ``organisation``), ``Conflict`` (``no_nda``, ``own_challenge``), ``NotPermitted``.
    """
    if not may_see_challenge(actor, challenge) or challenge.status == ChallengeStatus.DRAFT:
        raise NotFound()
    org = acting_organisation(actor, organisation, field="organisation")
    permit(may_act_for(actor, org))
    if challenge.visibility != Visibility.NDA:
        raise Conflict(_("This challenge has no NDA to accept."), code="no_nda")
    if org.pk == challenge.owner_id:
        raise Conflict(_("The owner does not accept its own NDA."), code="own_challenge")
    if accept is not True:
        raise ValidationFailed(
            [
                FieldError(
                    "accept",
                    _("Tick the box to accept the NDA on behalf of your organisation."),
                    "required",
                )
            ]
        )
    with transaction.atomic():
        locked = _lock(challenge)
        existing = NdaAcceptance.objects.filter(challenge=locked, organisation=org).first()
        if existing is not None:
            return existing
        acceptance = NdaAcceptance.objects.create(
            challenge=locked,
            organisation=org,
            accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
            nda_sha256=nda_sha256(locked.nda_text),
        )
        audit(
            actor,
            "challenge.nda_accepted",
            locked,
            after={"organisation": org.pk, "nda_sha256": acceptance.nda_sha256},
        )
        notices.nda_accepted(locked, org)
    return acceptance
