"""An expert's review of one application: scoring the call's criteria, and who may see which
reviews (independence).

Scores are whole numbers on each criterion's own scale (``Criterion.scale_min`` to
``scale_max``). A draft may be partial; on submission every criterion must be scored, the
review is frozen, the assignment is marked submitted, and the weighted total is stored:

    total = Σ weightᵢ · normᵢ / Σ weightᵢ,   normᵢ = 100 · (scoreᵢ − minᵢ) / (maxᵢ − minᵢ)

so every total is on one 0–100 scale whatever the criteria's scales (ranking.py compares totals
and their spread on that scale). Criteria with weight 0 count for nothing; if every weight is
0 the plain mean of the normalised scores is used.

Independence (``visible_reviews``):
- an expert assigned to the application sees only their own review until they submit it;
- after submitting, the Fund's own (internal) experts also see the others' submitted reviews,
  totals included; external experts never see outcomes, so they keep seeing only their own;
- the Fund's operators see every review of the application, drafts included (to chase
  progress), unless they are themselves an assigned expert who has not submitted yet:
  independence wins over the role;
- nobody else sees any review.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.text import has_control_characters
from innocluster.programmes.choices import ApplicationState

from .choices import AssignmentStatus, ExpertKind
from .models import Assignment, Review

COMMENT_MAX = 5000
_WHOLE = re.compile(r"-?[0-9]{1,6}")
THOUSANDTH = Decimal("0.001")
HUNDRED = Decimal(100)
# An expert scores while the application is in expert review; afterwards the scores are fixed.
SCORING_STATES = (ApplicationState.IN_REVIEW,)


# --------------------------------------------------------------------------- permissions


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_fund_staff", False))


def _may_score(user, assignment: Assignment) -> tuple[bool, str]:
    """Only the assigned expert scores, and only while the assignment stands."""
    if not getattr(user, "is_authenticated", False) or assignment.expert.user_id != user.pk:
        return False, _("Only the expert assigned to this application may review it.")
    if assignment.status == AssignmentStatus.DECLINED:
        return False, _("You declined this assignment.")
    return True, ""


# --------------------------------------------------------------------------- totals


def weighted_total(criteria, scores: dict) -> Decimal:
    """The 0–100 weighted total of ``scores`` ({code: int}) over ``criteria`` (all scored)."""
    weighted = Decimal(0)
    weights = Decimal(0)
    plain = Decimal(0)
    for criterion in criteria:
        low, high = criterion.scale_min, criterion.scale_max
        span = Decimal(high - low)
        norm = HUNDRED * (Decimal(scores[criterion.code] - low) / span) if span else HUNDRED
        weight = Decimal(criterion.weight)
        weighted += weight * norm
        weights += weight
        plain += norm
    if weights > 0:
        return (weighted / weights).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    total = plain / len(criteria) if criteria else Decimal(0)
    return total.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- validation


def _as_int(value):
    """A whole-number score: an int, or a text of digits from a form; None when it is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def check_scores(criteria, scores, comments, *, submit: bool) -> tuple[dict, dict]:
    """Validate ``scores`` and ``comments`` against the call's ``criteria``.

    Args:
        criteria: the call's ``Criterion`` rows.
        scores: {criterion code: whole number within the criterion's scale}; partial in a draft.
        comments: {criterion code or "" for the overall comment: text}.
        submit: whether every criterion must be scored.

    Returns:
        (scores, comments) cleaned: ints and stripped texts.

    Raises:
        ValidationFailed: naming ``scores.<code>`` / ``comments.<code>`` for each problem.
    """
    by_code = {c.code: c for c in criteria}
    errors: list[FieldError] = []
    clean_scores: dict[str, int] = {}
    clean_comments: dict[str, str] = {}
    if scores is None:
        scores = {}
    if comments is None:
        comments = {}
    if not isinstance(scores, dict):
        errors.append(FieldError("scores", _("Must map criterion codes to scores."), "type"))
        scores = {}
    if not isinstance(comments, dict):
        errors.append(FieldError("comments", _("Must map criterion codes to texts."), "type"))
        comments = {}
    for code, value in scores.items():
        field = f"scores.{code}"
        criterion = by_code.get(code)
        if criterion is None:
            errors.append(FieldError(field, _("The call has no such criterion."), "unknown"))
            continue
        if value is None or value == "":
            continue  # not scored yet (a draft)
        number = _as_int(value)
        if number is None:
            errors.append(FieldError(field, _("Must be a whole number."), "type"))
        elif not criterion.scale_min <= number <= criterion.scale_max:
            errors.append(
                FieldError(
                    field,
                    _("Must be from %(low)d to %(high)d.")
                    % {"low": criterion.scale_min, "high": criterion.scale_max},
                    "out_of_scale",
                )
            )
        else:
            clean_scores[code] = number
    for code, text in comments.items():
        field = f"comments.{code}" if code else "comments"
        if code and code not in by_code:
            errors.append(FieldError(field, _("The call has no such criterion."), "unknown"))
            continue
        if text is None:
            text = ""
        if not isinstance(text, str):
            errors.append(FieldError(field, _("Must be a text."), "type"))
            continue
        text = text.strip()
        if len(text) > COMMENT_MAX:
            errors.append(
                FieldError(field, _("At most %(n)d characters.") % {"n": COMMENT_MAX}, "too_long")
            )
        elif has_control_characters(text):
            errors.append(FieldError(field, _("Must not contain control characters."), "invalid"))
        elif text:
            clean_comments[code] = text
    if submit and not errors:
        for code in by_code:
            if code not in clean_scores:
                errors.append(
                    FieldError(
                        f"scores.{code}",
                        _("Every criterion must be scored before submitting."),
                        "required",
                    )
                )
    if errors:
        raise ValidationFailed(errors)
    return clean_scores, clean_comments


# --------------------------------------------------------------------------- use cases


@transaction.atomic
def save_review(assignment: Assignment, *, actor, scores, comments=None, submit: bool = False):
    """The assigned expert saves their review as a draft, or submits it.

    Args:
        assignment: the expert's assignment to one application.
        actor: the user acting; must be the assigned expert.
        scores: {criterion code: whole number on the criterion's scale}; a draft may be partial,
            a submission scores every criterion of the call.
        comments: {criterion code: text, "": the overall comment}.
        submit: submit the review (final): stores the weighted 0–100 total and marks the
            assignment submitted.

    Returns:
        The saved ``Review``.

    Raises:
        NotPermitted: the actor is not the assigned expert, or declined the assignment.
        Conflict: the review was already submitted, or the application is not in expert review.
        ValidationFailed: an unknown criterion, a score off its scale or not a whole number, a
            missing score on submission (``scores.<code>``), a bad comment (``comments.<code>``).
    """
    locked = (
        Assignment.objects.select_for_update()
        .select_related("expert", "application__call")
        .get(pk=assignment.pk)
    )
    allowed, reason = _may_score(actor, locked)
    if not allowed:
        raise NotPermitted(reason)
    review = Review.objects.filter(assignment=locked).first()
    if locked.status == AssignmentStatus.SUBMITTED or (review and review.submitted_at):
        raise Conflict(
            _("The review has been submitted and can no longer be changed."), code="submitted"
        )
    application = locked.application
    if application.state not in SCORING_STATES:
        raise Conflict(
            _("The application is “%(state)s”: reviews are written only during expert review.")
            % {"state": ApplicationState(application.state).label},
            code="not_in_review",
        )
    criteria = list(application.call.criteria.all())
    if submit and not criteria:
        raise Conflict(_("The call has no evaluation criteria to score."), code="no_criteria")
    clean_scores, clean_comments = check_scores(criteria, scores, comments, submit=submit)

    before = None
    if review is None:
        review = Review(assignment=locked)
    else:
        before = {"scores": review.scores, "comments": review.comments}
    review.scores = clean_scores
    review.comments = clean_comments
    if submit:
        review.total = weighted_total(criteria, clean_scores)
        review.submitted_at = timezone.now()
    review.save()
    after = {"scores": review.scores, "comments": review.comments, "total": review.total}
    if submit:
        locked.status = AssignmentStatus.SUBMITTED
        locked.answered_at = review.submitted_at
        locked.save(update_fields=["status", "answered_at"])
        assignment.status = locked.status
        assignment.answered_at = locked.answered_at
    record_event(
        actor=actor,
        action="review.submit" if submit else "review.save_draft",
        obj=review,
        before=before,
        after=after,
        summary=(
            f"review of {application.pk} submitted, total {review.total}"
            if submit
            else f"review of {application.pk} saved as a draft"
        ),
    )
    if submit:
        _tell_the_fund_when_complete(application)
    return review


def _tell_the_fund_when_complete(application) -> None:
    """The last review is in: the Fund's operators may send the application to the board."""
    from innocluster.core.notifications import fund_staff, notify

    from .selectors import reviews_complete

    if not reviews_complete(application)[0]:
        return
    notify(
        fund_staff(),
        "review.reviews_complete",
        gettext_lazy("Every review of application %(number)s is in: it may go to the board"),
        params={"number": application.number or application.title},
        url=f"/review/calls/{application.call.code}/",
        obj=application,
    )


def visible_reviews(user, application) -> QuerySet[Review]:
    """The reviews of ``application`` that ``user`` may see (see the module's docstring).

    Args:
        user: who is looking.
        application: the application whose reviews are asked for.

    Returns:
        A queryset of ``Review`` (with ``assignment__expert__user`` selected), oldest first.
    """
    reviews = (
        Review.objects.filter(assignment__application=application)
        .select_related("assignment__expert__user")
        .order_by("assignment__assigned_at", "id")
    )
    if not getattr(user, "is_authenticated", False):
        return reviews.none()
    own = (
        Assignment.objects.filter(application=application, expert__user=user)
        .select_related("expert")
        .first()
    )
    if own is not None and own.status != AssignmentStatus.DECLINED:
        mine = reviews.filter(assignment=own)
        if own.status != AssignmentStatus.SUBMITTED:
            return mine  # independence: nothing of the others before one's own is in
        if own.expert.kind == ExpertKind.INTERNAL or _is_staff(user):
            return reviews.filter(assignment=own) | reviews.filter(submitted_at__isnull=False)
        return mine  # external experts never see outcomes
    if _is_staff(user):
        return reviews
    return reviews.none()
