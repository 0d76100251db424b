"""Solutions' use cases: submit one to an open challenge, attach files, withdraw it, move it
through the owner's pipeline, and the messages between the owner and the responder.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field), runs inside one ``transaction.atomic`` and records an audit event; when it
refuses, nothing has changed.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationFailed
from innocluster.core.text import clean_text

from .. import notices, workflows
from ..choices import ChallengeStatus, SolutionStatus, Visibility
from ..models import NdaAcceptance, Solution, SolutionAttachment, SolutionMessage
from ..permissions import may_post_message, may_respond, may_withdraw_solution, messaging_side
from ..selectors import may_see_challenge, side_of
from .acting import acting_organisation, audit, checked_transition, line, permit

# Files a solution may carry: at most this many, each at most this big, of these types.
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (
    "pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv",
    "ppt", "pptx", "odp", "png", "jpg", "jpeg", "zip",
)  # fmt: skip


def _lock(solution: Solution) -> Solution:
    return (
        Solution.objects.select_for_update()
        .select_related("challenge__owner", "responder")
        .get(pk=solution.pk)
    )


def _check_files(files) -> list[tuple[str, bytes]]:
    """``files`` as (name, bytes) pairs checked: each one's name, type and size."""
    from innocluster.documents import storage

    errors: list[FieldError] = []
    checked = []
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        errors.append(
            FieldError(
                "attachments",
                _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS},
                "too_many",
            )
        )
    for index, (filename, content) in enumerate(files):
        field = f"attachments[{index}]"
        own: list[FieldError] = []
        name = storage.check_upload(own, filename, content)
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if name and extension not in ALLOWED_EXTENSIONS:
            own.append(
                FieldError(
                    "filename",
                    _("Files of type “%(type)s” are not accepted. Allowed: %(allowed)s.")
                    % {"type": extension or "?", "allowed": ", ".join(ALLOWED_EXTENSIONS)},
                    "bad_type",
                )
            )
        too_big = isinstance(content, bytes | bytearray) and len(content) > MAX_ATTACHMENT_BYTES
        if too_big and not any(e.code == "too_large" for e in own):
            own.append(
                FieldError(
                    "content",
                    _("The file is larger than %(limit)d bytes.") % {"limit": MAX_ATTACHMENT_BYTES},
                    "too_large",
                )
            )
        for error in own:
            errors.append(FieldError(field, f"{name or '?'}: {error.message}", error.code))
        checked.append((name, bytes(content or b"")))
    if errors:
        raise ValidationFailed(errors)
    return checked


def _store(solution: Solution, files, actor) -> list[SolutionAttachment]:
    from innocluster.documents import storage

    return [
        SolutionAttachment.objects.create(
            solution=solution, **storage.store_upload(name, content, actor)
        )
        for name, content in files
    ]


def submit_solution(
    challenge,
    actor,
    *,
    description,
    trl,
    references="",
    price_indication="",
    files=(),
    responder=None,
) -> Solution:
    """Answer ``challenge`` for the organisation ``actor`` acts for (``responder``: its UUID,
    required when they act for several). The challenge must be open and its deadline not past;
    under NDA the responder accepted the NDA first. An organisation may send several
    solutions, but not the same description twice. ``files``: (name, bytes) pairs.

    Returns the solution. Raises ``NotFound`` (the challenge is not visible),
    ``ValidationFailed`` (``description``, ``trl``, ``references``, ``price_indication``,
    ``attachments[i]``, ``responder``), ``Conflict`` (``not_open``, ``deadline_passed``,
    ``nda_required``, ``duplicate``), ``NotPermitted``.
    """
    if not may_see_challenge(actor, challenge):
        raise NotFound()
    organisation = acting_organisation(actor, responder, field="responder")
    errors: list[FieldError] = []
    description = clean_text(errors, "description", description, max_length=10000, required=True)
    references = clean_text(errors, "references", references, max_length=5000)
    price_indication = line(errors, "price_indication", price_indication, max_length=300)
    if isinstance(trl, bool) or not isinstance(trl, int):
        errors.append(FieldError("trl", _("Give the solution's TRL, from 1 to 9."), "required"))
    elif not 1 <= trl <= 9:
        errors.append(FieldError("trl", _("Must be from 1 to 9."), "out_of_range"))
    try:
        checked = _check_files(files)
    except ValidationFailed as failed:
        errors.extend(failed.errors)
        checked = []
    with transaction.atomic():
        locked = type(challenge).objects.select_for_update().get(pk=challenge.pk)
        if locked.owner_id == organisation.pk:
            raise NotPermitted(_("The challenge's owner cannot answer its own challenge."))
        if locked.status != ChallengeStatus.OPEN:
            raise Conflict(_("The challenge is not open: it takes no solutions now."), "not_open")
        if workflows.deadline_passed(locked):
            raise Conflict(_("The deadline for solutions has passed."), code="deadline_passed")
        permit(may_respond(actor, locked, organisation))
        if (
            locked.visibility == Visibility.NDA
            and not NdaAcceptance.objects.filter(
                challenge=locked, organisation=organisation
            ).exists()
        ):
            raise Conflict(
                _("Accept the challenge's NDA for your organisation first."), code="nda_required"
            )
        if errors:
            raise ValidationFailed(errors)
        if Solution.objects.filter(
            challenge=locked, responder=organisation, description=description
        ).exists():
            raise ValidationFailed(
                [
                    FieldError(
                        "description",
                        _("Your organisation already sent a solution with this description."),
                        "duplicate",
                    )
                ]
            )
        solution = Solution.objects.create(
            challenge=locked,
            responder=organisation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            description=description,
            trl=trl,
            references=references,
            price_indication=price_indication,
            status_changed_at=timezone.now(),
        )
        attachments = _store(solution, checked, actor)
        audit(
            actor,
            "solution.submitted",
            solution,
            after={
                "challenge": locked.pk,
                "responder": organisation.pk,
                "trl": trl,
                "attachments": [a.sha256 for a in attachments],
            },
        )
        notices.solution_received(solution)
    return solution


def add_attachments(solution: Solution, files, actor) -> list[SolutionAttachment]:
    """Attach more files to an undecided solution (the responder's people)."""
    if side_of(actor, solution) != solution.responder:
        raise NotFound()
    permit(may_withdraw_solution(actor, solution))
    checked = _check_files(files)
    if not checked:
        raise ValidationFailed(
            [FieldError("attachments", _("This field is required."), "required")]
        )
    with transaction.atomic():
        locked = _lock(solution)
        if locked.attachments.count() + len(checked) > MAX_ATTACHMENTS:
            raise ValidationFailed(
                [
                    FieldError(
                        "attachments",
                        _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS},
                        "too_many",
                    )
                ]
            )
        attachments = _store(locked, checked, actor)
        audit(
            actor,
            "solution.attachments_added",
            locked,
            after={"attachments": [a.sha256 for a in attachments]},
        )
    return attachments


def withdraw_solution(solution: Solution, actor) -> Solution:
    """The responder takes back an undecided solution."""
    if side_of(actor, solution) is None:
        raise NotFound()
    with transaction.atomic():
        locked = _lock(solution)
        permit(may_withdraw_solution(actor, locked))
        before = {"status": locked.status}
        locked.status = SolutionStatus.WITHDRAWN
        locked.status_changed_at = timezone.now()
        locked.version += 1
        locked.save()
        audit(actor, "solution.withdrawn", locked, before=before, after={"status": "withdrawn"})
        notices.solution_withdrawn(locked)
    solution.refresh_from_db()
    return solution


def move_solution(solution: Solution, action: str, actor, *, feedback: str = "") -> Solution:
    """The owner moves a solution along the pipeline (workflows.SOLUTION_TRANSITIONS):
    ``shortlist``, ``propose_pilot``, ``accept``, ``decline`` (with ``feedback``). Accepting
    does not close the challenge: the owner moves it on its own page.

    Raises ``ValidationFailed`` (``feedback``), ``Conflict`` (``invalid_transition``,
    ``guard_failed``), ``NotPermitted``, ``NotFound``.
    """
    if side_of(actor, solution) is None:
        raise NotFound()
    with transaction.atomic():
        locked = _lock(solution)
        transition = checked_transition(
            workflows.SOLUTION_TRANSITIONS,
            locked,
            action,
            actor,
            _("A solution in state “%(state)s” cannot be moved by “%(action)s”."),
        )
        errors: list[FieldError] = []
        if "feedback" in transition.needs:
            feedback = clean_text(errors, "feedback", feedback, max_length=5000)
            if not feedback:
                errors.append(FieldError("feedback", _("Required when declining."), "required"))
        if errors:
            raise ValidationFailed(errors)
        before = {"status": locked.status}
        locked.status = transition.target
        if "feedback" in transition.needs:
            locked.feedback = feedback
        locked.status_changed_at = timezone.now()
        locked.version += 1
        locked.save()
        audit(
            actor,
            f"solution.{action}",
            locked,
            before=before,
            after={"status": transition.target, **({"feedback": feedback} if feedback else {})},
        )
        notices.solution_moved(locked)
    solution.refresh_from_db()
    return solution


def post_message(solution: Solution, actor, body) -> SolutionMessage:
    """A message from one side to the other, who is told of it (the notice never quotes it).
    Only the owners, editors and signatories of an admitted side write; the other people who
    see the solution (viewers, a suspended or withdrawn side's people) only read.

    Raises ``NotFound`` (not a side's person), ``NotPermitted`` (may only read),
    ``ValidationFailed`` (``body``)."""
    if side_of(actor, solution) is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    permit(may_post_message(actor, solution))
    side = messaging_side(actor, solution)
    errors: list[FieldError] = []
    body = clean_text(errors, "body", body, max_length=5000, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock(solution)
        message = SolutionMessage.objects.create(
            solution=locked, author=actor, author_organisation=side, body=body
        )
        audit(actor, "solution.message_posted", locked, after={"message": message.pk})
        other = locked.responder if side.pk == locked.challenge.owner_id else locked.challenge.owner
        notices.message_posted(locked, side, other)
    return message
