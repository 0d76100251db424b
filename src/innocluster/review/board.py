"""Board sessions: the agenda from the ranking, the members' votes, the decisions the Fund's
secretary records, and the minutes as a document every member signs.

- ``create_session``: the agenda is the call's applications before the board (state
  ``board``) in rank order (``ranking.rank_call``), each with its rank, score, requested grant
  and the funding line's suggestion (in rank order, or the optimal selection) under what is
  left of the call's budget once the grants already approved are taken off.
- ``cast_vote``: a member of the session votes for, against or abstains on an agenda item. A
  second vote replaces the first while the item is undecided and the session open (members
  change their minds in the discussion); once the decision is recorded, votes are fixed.
- ``record_decision``: approved, rejected or waitlisted, through
  ``programmes.services.move`` (so a second approval of the same application is refused there,
  and nothing changes).
- ``close_session``: every item decided; the minutes are printed in Russian and routed to
  every member for signature, in parallel; ``minutes_signed`` marks them signed.

Board members sign the minutes as persons of an organisation (document circulation's routes
are organisations' steps): of the Fund when they hold a role there, otherwise of their own
organisation. A member who belongs to no organisation cannot sign, so cannot sit on a session.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.accounts.choices import PlatformRole
from innocluster.accounts.models import User
from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.notifications import notify
from innocluster.core.text import clean_text
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Call
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import OrganisationRole

from .choices import Vote
from .models import BoardDecision, BoardSession, BoardVote
from .permissions import may_run_board, may_vote
from .ranking import Ranking, funding_line, rank_call

MINUTES_TEMPLATE = "review_board_minutes"
MINUTES_DOC_TYPE = "board_minutes"
SESSION_LINK = "review.boardsession"
PRINT_LANG = "ru"
# The board's outcomes: the application state each records (and the workflow action).
OUTCOME_ACTIONS = {
    ApplicationState.APPROVED: "approve",
    ApplicationState.REJECTED: "reject",
    ApplicationState.WAITLISTED: "waitlist",
}
OUTCOMES_WITH_REASONS = (ApplicationState.REJECTED, ApplicationState.WAITLISTED)
MAX_MEMBERS = 50
REASONS_MAX = 2000
# Which of a member's organisations they sign the minutes for, the Fund always first.
ROLE_PREFERENCE = (OrgRole.SIGNATORY, OrgRole.OWNER, OrgRole.EDITOR, OrgRole.VIEWER)


def _permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def register_minutes_template() -> None:
    """Add the minutes' PDF template to document circulation (``apps.ready``; idempotent)."""
    from innocluster.documents import rendering

    rendering.register_template(
        rendering.DocumentTemplate(
            MINUTES_TEMPLATE,
            MINUTES_DOC_TYPE,
            "review/documents/minutes.html",
            gettext_lazy("Minutes of the board session"),
        )
    )


def signing_organisation(user):
    """The organisation ``user`` signs the minutes for: the Fund when they hold a role there,
    else their own (signatory, owner, editor, viewer first); None when they have none."""
    from innocluster.documents.fund import fund_organisation

    fund = fund_organisation()
    roles = list(
        OrganisationRole.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_ru", "organisation_id")
    )
    if any(r.organisation_id == fund.pk for r in roles):
        return fund
    for wanted in ROLE_PREFERENCE:
        for role in roles:
            if role.role == wanted:
                return role.organisation
    return None


# --------------------------------------------------------------------------- the agenda


def _held_on(errors: list, value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(FieldError("held_on", _("Give the date as YYYY-MM-DD."), "invalid"))
    return None


def _members(errors: list, members) -> list:
    if isinstance(members, str) or not isinstance(members, list | tuple | set | frozenset):
        errors.append(FieldError("members", _("Must be a list of board members."), "type"))
        return []
    members = list(members)
    if not members:
        errors.append(FieldError("members", _("Choose at least one board member."), "required"))
        return []
    if len(members) > MAX_MEMBERS:
        errors.append(
            FieldError("members", _("At most %(n)d members.") % {"n": MAX_MEMBERS}, "too_many")
        )
        return []
    ids = [str(getattr(m, "pk", m)) for m in members]
    valid = [i for i in ids if _is_uuid(i)]
    found = {str(u.pk): u for u in User.objects.filter(pk__in=valid)} if valid else {}
    chosen, seen = [], set()
    for position, pk in enumerate(ids):
        user = found.get(str(pk))
        field = f"members[{position}]"
        if user is None:
            errors.append(FieldError(field, _("No such person."), "not_found"))
        elif not user.is_active or user.platform_role != PlatformRole.BOARD_MEMBER:
            errors.append(
                FieldError(
                    field, _("%(name)s is not a board member.") % {"name": user}, "not_board"
                )
            )
        elif signing_organisation(user) is None:
            errors.append(
                FieldError(
                    field,
                    _(
                        "%(name)s belongs to no organisation, so cannot sign the minutes: give "
                        "them a role at the Fund or at their organisation first."
                    )
                    % {"name": user},
                    "cannot_sign",
                )
            )
        elif user.pk not in seen:
            seen.add(user.pk)
            chosen.append(user)
    return chosen


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def agenda_budget(call) -> Decimal:
    """What is left of the call's budget once the grants already approved are taken off."""
    approved = BoardDecision.objects.filter(
        session__call=call, outcome=ApplicationState.APPROVED
    ).aggregate(total=Sum("grant_rub"))["total"] or Decimal(0)
    return max(call.budget_rub - approved, Decimal(0))


def create_session(call, *, held_on, members, actor, optimal: bool = False) -> BoardSession:
    """The Fund's operator convenes the board on ``call``.

    Args:
        call: a ``programmes.Call``.
        held_on: the date of the meeting (a date or "YYYY-MM-DD").
        members: users (or their ids) with the platform role ``board_member``.
        actor: an operator.
        optimal: the funding line suggested on the agenda: the optimal selection under the
            budget instead of rank order.

    Returns:
        The new ``BoardSession``: one ``BoardDecision`` per application before the board and not
        on another open session's agenda, in rank order, with its rank, score, requested grant
        and whether the funding line is above it; each member is notified.

    Raises:
        NotPermitted; ValidationFailed (``held_on``, ``members``, ``members[i]``); Conflict
        ``empty_agenda`` when no application awaits the board.
    """
    _permit(may_run_board(actor))
    errors: list[FieldError] = []
    date = _held_on(errors, held_on)
    chosen = _members(errors, members)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # One agenda at a time per call: two operators cannot put an application twice.
        call = Call.objects.select_for_update().get(pk=call.pk)
        pending = set(
            BoardDecision.objects.filter(
                session__call=call, session__closed_at__isnull=True, outcome=""
            ).values_list("application_id", flat=True)
        )
        ranking = rank_call(call)
        entries = [
            e
            for e in ranking.entries
            if e.state == ApplicationState.BOARD and e.application_id not in pending
        ]
        if not entries:
            raise Conflict(
                _("No application of this call awaits the board's decision."), code="empty_agenda"
            )
        sub = Ranking(call_id=call.pk, threshold=ranking.threshold, entries=entries)
        line = funding_line(sub, agenda_budget(call), optimal=bool(optimal))
        above = {e.application_id for e in line.funded}
        session = BoardSession.objects.create(
            call=call, held_on=date, optimal=bool(optimal), created_by=_user(actor)
        )
        session.members.set(chosen)
        BoardDecision.objects.bulk_create(
            [
                BoardDecision(
                    session=session,
                    application_id=e.application_id,
                    position=position,
                    rank=e.rank,
                    score=e.score,
                    requested_rub=e.requested_rub,
                    suggested=e.application_id in above,
                )
                for position, e in enumerate(entries, start=1)
            ]
        )
        record_event(
            actor=actor,
            action="review.board_session_created",
            obj=session,
            after={
                "call": call.code,
                "held_on": date.isoformat(),
                "members": [str(u.pk) for u in chosen],
                "agenda": [str(e.application_id) for e in entries],
                "optimal": bool(optimal),
                "budget": str(line.budget),
            },
            summary=_("Board session convened with %(n)d applications on the agenda.")
            % {"n": len(entries)},
        )
        notify(
            chosen,
            "review.board_session",
            gettext_lazy("Board session on %(date)s: call “%(call)s”"),
            body=gettext_lazy(
                "%(count)s applications are on the agenda. Read them and vote on the session's page."
            ),
            params={
                "date": date.strftime("%d.%m.%Y"),
                "call": call.title_ru,
                "count": len(entries),
            },
            url=session_url(session),
            obj=session,
        )
    return session


def session_url(session) -> str:
    return f"/review/board/{session.pk}/"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --------------------------------------------------------------------------- votes


def cast_vote(decision: BoardDecision, *, member, vote: str) -> BoardVote:
    """A board member votes on one agenda item; voting again replaces their vote while the item
    is undecided.

    Args: decision: the agenda item; member: the voting user; vote: for, against or abstain.
    Returns: the ``BoardVote``.
    Raises: NotPermitted (not a member of the session, or the session is closed);
    ValidationFailed (``vote``); Conflict ``decided`` once the decision is recorded.
    """
    session = decision.session
    _permit(may_vote(member, session))
    if vote not in Vote.values:
        raise ValidationFailed(
            [FieldError("vote", _("Vote for, against or abstain."), "invalid_choice")]
        )
    with transaction.atomic():
        locked = BoardDecision.objects.select_for_update().get(pk=decision.pk)
        session = BoardSession.objects.get(pk=locked.session_id)
        _permit(may_vote(member, session))
        if locked.outcome:
            raise Conflict(
                _("The decision on this application is recorded: votes can no longer change."),
                code="decided",
            )
        existing = BoardVote.objects.filter(decision=locked, member=member).first()
        before = {"vote": existing.vote} if existing else None
        if existing is None:
            existing = BoardVote.objects.create(decision=locked, member=member, vote=vote)
        elif existing.vote != vote:
            existing.vote = vote
            existing.save(update_fields=["vote"])
        record_event(
            actor=member,
            action="review.board_vote",
            obj=locked,
            before=before,
            after={"vote": vote, "application": str(locked.application_id)},
            summary=_("Board vote: %(vote)s") % {"vote": Vote(vote).label},
        )
    return existing


def vote_counts(decisions) -> dict:
    """{decision id: {"for": n, "against": n, "abstain": n}} for ``decisions`` (one query)."""
    counts = {d.pk: dict.fromkeys(Vote.values, 0) for d in decisions}
    rows = (
        BoardVote.objects.filter(decision__in=[d.pk for d in decisions])
        .values("decision_id", "vote")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["decision_id"]][row["vote"]] = row["n"]
    return counts


# --------------------------------------------------------------------------- decisions


def _grant(errors: list, value, *, required: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FieldError("grant_rub", _("Give the grant awarded."), "required"))
        return None
    if isinstance(value, bool | float):
        errors.append(FieldError("grant_rub", _("Must be an amount of roubles."), "invalid"))
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        errors.append(
            FieldError("grant_rub", _("Must be an amount of roubles (kopecks at most)."), "invalid")
        )
        return None
    return amount


def record_decision(
    decision: BoardDecision, *, outcome: str, grant_rub=None, reasons: str = "", actor
) -> BoardDecision:
    """The Fund's secretary records the board's decision on one agenda item.

    Args:
        decision: the agenda item.
        outcome: ``approved``, ``rejected`` or ``waitlisted``.
        grant_rub: the grant awarded (approved only): more than zero, at most the call's maximum
            grant and the grant the application requests.
        reasons: required for rejected and waitlisted (sent to the applicant).
        actor: an operator.

    Returns:
        The decision, recorded; the application moved (``programmes.services.move``) and its
        lead organisation notified with the outcome and reasons.

    Raises:
        NotPermitted; ValidationFailed (``outcome``, ``grant_rub``, ``reasons``); Conflict
        ``session_closed``, or ``move``'s refusals (``invalid_transition``: e.g. a second
        approval of the same application). Nothing changes then.
    """
    _permit(may_run_board(actor))
    errors: list[FieldError] = []
    if outcome not in OUTCOME_ACTIONS:
        errors.append(
            FieldError("outcome", _("Choose approved, rejected or waitlisted."), "invalid_choice")
        )
    approved = outcome == ApplicationState.APPROVED
    amount = _grant(errors, grant_rub, required=approved)
    if amount is not None and not approved and outcome in OUTCOME_ACTIONS:
        errors.append(
            FieldError(
                "grant_rub", _("A grant is awarded only when the board approves."), "not_approved"
            )
        )
    # Empty, the text check has nothing to refuse; only the outcome says whether it must be given.
    reasons = clean_text(errors, "reasons", reasons, max_length=REASONS_MAX)
    if outcome in OUTCOMES_WITH_REASONS and not reasons:
        errors.append(
            FieldError("reasons", _("Give the reasons for rejecting or waitlisting."), "required")
        )
    with transaction.atomic():
        locked = (
            BoardDecision.objects.select_for_update()
            .select_related("session__call", "application")
            .get(pk=decision.pk)
        )
        call = locked.session.call
        if approved and amount is not None:
            if amount <= 0:
                errors.append(FieldError("grant_rub", _("Must be more than zero."), "too_small"))
            elif amount > call.max_grant_rub:
                errors.append(
                    FieldError(
                        "grant_rub",
                        _("At most the call's maximum grant, %(max)s RUB.")
                        % {"max": _money(call.max_grant_rub)},
                        "above_max_grant",
                    )
                )
            elif amount > locked.requested_rub:
                errors.append(
                    FieldError(
                        "grant_rub",
                        _("At most the grant the application requests, %(requested)s RUB.")
                        % {"requested": _money(locked.requested_rub)},
                        "above_request",
                    )
                )
            else:
                # The call's money: what other approvals left (this decision's own earlier
                # grant, if it is being changed, is counted back in).
                left = agenda_budget(call)
                if locked.outcome == ApplicationState.APPROVED and locked.grant_rub:
                    left += locked.grant_rub
                if amount > left:
                    errors.append(
                        FieldError(
                            "grant_rub",
                            _("Only %(left)s RUB of the call's budget is left.")
                            % {"left": _money(left)},
                            "above_budget",
                        )
                    )
        if errors:
            raise ValidationFailed(errors)
        if locked.session.closed_at is not None:
            raise Conflict(
                _("The session is closed: its decisions can no longer change."),
                code="session_closed",
            )
        from innocluster.programmes.services import move

        before = {
            "outcome": locked.outcome,
            "grant_rub": str(locked.grant_rub) if locked.grant_rub is not None else None,
            "reasons": locked.reasons,
        }
        # The decision is recorded first: the workflow moves an application out of "board"
        # only on a decision its session recorded (programmes.workflows._board_decided); a
        # refused move rolls it back with everything else.
        locked.outcome = outcome
        locked.grant_rub = amount if approved else None
        locked.reasons = reasons
        locked.decided_at = timezone.now()
        locked.decided_by = _user(actor)
        locked.save(update_fields=["outcome", "grant_rub", "reasons", "decided_at", "decided_by"])
        move(locked.application, OUTCOME_ACTIONS[outcome], actor=actor, reason=reasons)
        record_event(
            actor=actor,
            action="review.board_decision",
            obj=locked,
            before=before,
            after={
                "application": str(locked.application_id),
                "outcome": outcome,
                "grant_rub": str(amount) if approved else None,
                "reasons": reasons,
                "votes": vote_counts([locked])[locked.pk],
            },
            summary=reasons,
        )
        application = locked.application
        notify(
            [application.lead],
            "review.board_decision",
            gettext_lazy("The board's decision on application %(number)s: %(outcome)s"),
            body=(
                gettext_lazy("Grant awarded: %(grant)s RUB.")
                if approved
                else gettext_lazy("Reasons: %(reasons)s")
            ),
            params={
                "number": application.number or application.title,
                "outcome": ApplicationState(outcome).label,
                "grant": _money(amount) if approved else "",
                "reasons": reasons,
            },
            url=f"/applications/{application.pk}/",
            obj=application,
        )
    decision.outcome = locked.outcome
    decision.grant_rub = locked.grant_rub
    decision.reasons = locked.reasons
    decision.decided_at = locked.decided_at
    return locked


def withdraw_item(decision: BoardDecision, *, actor) -> None:
    """Take an undecided application off an open session's agenda (withdrawn by the applicant,
    or decided elsewhere): the session can then close without it. Its votes go with it.

    Args: decision: the agenda item; actor: an operator.
    Returns: None.
    Raises: NotPermitted; Conflict ``decided`` or ``session_closed``. Nothing changes then.
    """
    _permit(may_run_board(actor))
    with transaction.atomic():
        locked = (
            BoardDecision.objects.select_for_update().select_related("session").get(pk=decision.pk)
        )
        if locked.session.closed_at is not None:
            raise Conflict(
                _("The session is closed: its agenda can no longer change."),
                code="session_closed",
            )
        if locked.outcome:
            raise Conflict(
                _("The decision on this application is recorded: it stays on the agenda."),
                code="decided",
            )
        votes = vote_counts([locked])[locked.pk]
        session = locked.session
        application_id = locked.application_id
        locked.delete()
        record_event(
            actor=actor,
            action="review.board_item_withdrawn",
            obj=session,
            before={"application": str(application_id), "votes": votes},
            summary=_("An application was taken off the agenda."),
        )


def _money(amount) -> str:
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f}".replace(",", "\u00a0")


# --------------------------------------------------------------------------- minutes


def close_session(session: BoardSession, *, actor) -> BoardSession:
    """Close the session once every agenda item is decided, and send its minutes (a PDF in
    Russian: the call, the date, the members, per application its rank, score, votes, outcome,
    grant and reasons) to every member for signature, in parallel.

    Args: session; actor: an operator.
    Returns: the session, closed, with ``minutes_document_id``; the members are notified to sign.
    Raises: NotPermitted; Conflict ``closed`` or ``undecided`` (naming the applications);
    document circulation's refusals. Nothing changes then.
    """
    _permit(may_run_board(actor))
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.generation import create_from_template
    from innocluster.documents.services import StepSpec

    with transaction.atomic():
        locked = BoardSession.objects.select_for_update().select_related("call").get(pk=session.pk)
        if locked.closed_at is not None:
            raise Conflict(_("The session is already closed."), code="closed")
        decisions = list(locked.decisions.select_related("application").order_by("position"))
        undecided = [
            d.application.number or d.application.title for d in decisions if not d.outcome
        ]
        if undecided:
            raise Conflict(
                _("Record a decision on every application first: %(list)s.")
                % {"list": ", ".join(undecided)},
                code="undecided",
                extra={"undecided": undecided},
            )
        members = list(locked.members.order_by("full_name", "email"))
        route = []
        for member in members:
            organisation = signing_organisation(member)
            if organisation is None:
                raise Conflict(
                    _("%(name)s belongs to no organisation, so cannot sign the minutes.")
                    % {"name": member},
                    code="cannot_sign",
                )
            route.append(StepSpec(organisation, order=1, role="user", user=member))
        context = minutes_context(locked, decisions, members)
        fund = fund_organisation()
        with translation.override(PRINT_LANG):
            title = _("Minutes of the board session of %(date)s: %(call)s") % {
                "date": locked.held_on.strftime("%d.%m.%Y"),
                "call": locked.call.title_ru,
            }
        register_minutes_template()
        document = create_from_template(
            MINUTES_TEMPLATE,
            context,
            title=title[:500],
            sender=fund,
            route=route,
            links=[locked],
            actor=actor,
            lang=PRINT_LANG,
        )
        locked.minutes_document_id = document.pk
        locked.closed_at = timezone.now()
        locked.save(update_fields=["minutes_document_id", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            action="review.board_session_closed",
            obj=locked,
            after={
                "minutes_document": str(document.pk),
                "registration_number": document.registration_number,
            },
            summary=_("Board session closed; minutes %(number)s sent for signature.")
            % {"number": document.registration_number},
        )
        notify(
            members,
            "review.board_minutes",
            gettext_lazy("Sign the minutes of the board session of %(date)s"),
            body=gettext_lazy("Minutes %(number)s of the call “%(call)s” wait for your signature."),
            params={
                "date": locked.held_on.strftime("%d.%m.%Y"),
                "number": document.registration_number,
                "call": locked.call.title_ru,
            },
            url=f"/documents/{document.pk}/",
            obj=locked,
        )
    session.closed_at = locked.closed_at
    session.minutes_document_id = locked.minutes_document_id
    return locked


def minutes_context(session, decisions, members) -> dict:
    """What the minutes print, in Russian."""
    counts = vote_counts(decisions)
    with translation.override(PRINT_LANG):
        rows = [
            {
                "position": d.position,
                "number": d.application.number,
                "title": d.application.title,
                "rank": d.rank if d.rank is not None else "—",
                "score": d.score if d.score is not None else "—",
                "votes_for": counts[d.pk][Vote.FOR],
                "votes_against": counts[d.pk][Vote.AGAINST],
                "votes_abstain": counts[d.pk][Vote.ABSTAIN],
                "outcome": str(ApplicationState(d.outcome).label),
                "grant": _money(d.grant_rub) if d.grant_rub is not None else "—",
                "reasons": d.reasons,
            }
            for d in decisions
        ]
    return {
        "call_title": session.call.title_ru,
        "call_code": session.call.code,
        "held_on": session.held_on.strftime("%d.%m.%Y"),
        "members": [m.full_name or m.email for m in members],
        "rows": rows,
        "optimal": session.optimal,
    }


def minutes_signed(document, object_id: str) -> None:
    """Every board member has signed the minutes (``when_signed``): the session shows it."""
    session = BoardSession.objects.select_for_update().filter(pk=object_id).first()
    if session is None or session.minutes_signed_at is not None:
        return
    if session.minutes_document_id != document.pk:
        return
    session.minutes_signed_at = timezone.now()
    session.save(update_fields=["minutes_signed_at", "updated_at"])
    record_event(
        actor=None,
        action="review.board_minutes_signed",
        obj=session,
        after={"minutes_document": str(document.pk)},
        summary=_("The minutes are signed by every board member."),
    )


__all__ = [
    "MINUTES_TEMPLATE",
    "agenda_budget",
    "cast_vote",
    "close_session",
    "create_session",
    "minutes_signed",
    "record_decision",
    "register_minutes_template",
    "withdraw_item",
    "signing_organisation",
    "vote_counts",
]
