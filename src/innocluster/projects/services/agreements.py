"""The grant agreement and its changes: preparing the project and its agreement, the callbacks
when an agreement is signed or refused, supplementary agreements, termination."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.errors import Conflict, FieldError, ValidationFailed
from innocluster.core.notifications import fund_staff, notify
from innocluster.documents.generation import last_signer, linked_row, refused_by
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application

from ..choices import AgreementKind, AgreementState, TrancheState
from ..models import Agreement, Project, Tranche
from ..permissions import may_operate
from .common import (
    _amount,
    _audit,
    _in_implementation,
    _live_project,
    _lock_project,
    _permit,
    _text,
    consortium,
    document_url,
    project_url,
)
from .documents import (
    AGREEMENT_TEMPLATE,
    PRINT_LANG,
    SUPPLEMENTARY_TEMPLATE,
    _money,
    agreement_context,
    register_document_templates,
)

MAX_CHANGES = 100


def awarded_grant(application: Application) -> Decimal:
    """The grant the board awarded (its latest decision that names one), else the application
    budget's grant total."""
    from innocluster.review.models import BoardDecision

    decision = (
        BoardDecision.objects.filter(application=application, grant_rub__isnull=False)
        .order_by("-decided_at", "-session__held_on")
        .first()
    )
    if decision is not None:
        return decision.grant_rub
    total = application.budget_lines.aggregate(total=Sum("grant_rub"))["total"]
    return total or Decimal("0.00")


def tranche_amounts(planned: list[Decimal], grant: Decimal) -> list[Decimal]:
    """The milestones' tranches as applied for, or, when the board awarded less than they add
    up to, cut in proportion to the grant (to the kopeck; the last takes the rounding), so the
    agreement never promises more than the grant."""
    total = sum(planned, Decimal(0))
    if total <= grant or total == 0:
        return list(planned)
    cent = Decimal("0.01")
    amounts = [(amount * grant / total).quantize(cent, rounding=ROUND_DOWN) for amount in planned]
    amounts[-1] += grant - sum(amounts, Decimal(0))
    return amounts


def _send(agreement: Agreement, template: str, context: dict, *, title: str, actor):
    """Render the agreement's PDF and route it for signature: the lead's signatory, then the
    Fund. The agreement keeps the document; returns it."""
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.generation import create_from_template
    from innocluster.documents.services import PartySpec, StepSpec

    project = agreement.project
    application = project.application
    fund = fund_organisation()
    lead = application.lead
    document = create_from_template(
        template,
        context,
        title=title[:500],
        sender=fund,
        parties=[PartySpec(lead)],
        route=[StepSpec(lead, order=1), StepSpec(fund, order=2)],
        links=[agreement, project, application],
        actor=actor,
    )
    agreement.document_id = document.pk
    agreement.save(update_fields=["document_id", "updated_at"])
    return document


def _issue_main(project: Project, *, actor) -> tuple[Agreement, object]:
    """Generate the grant agreement's PDF and send it: the lead's signatory, then the Fund."""

    register_document_templates()
    application = project.application
    agreement = Agreement.objects.create(
        project=project, kind=AgreementKind.MAIN, sequence=0, state=AgreementState.SIGNING
    )
    tranches = project.tranches.select_related("milestone").order_by("milestone__number")
    with translation.override(PRINT_LANG):
        title = _("Grant agreement on the project %(number)s “%(title)s”") % {
            "number": application.number,
            "title": application.title[:300],
        }
    document = _send(
        agreement,
        AGREEMENT_TEMPLATE,
        agreement_context(project, list(tranches)),
        title=title,
        actor=actor,
    )
    notify(
        [application.lead],
        "project.agreement_to_sign",
        gettext_lazy("The grant agreement on “%(title)s” waits for your signature"),
        body=gettext_lazy(
            "The Fund has prepared grant agreement %(number)s. The lead's signatory signs it "
            "first, then the Fund."
        ),
        params={"title": application.title, "number": document.registration_number},
        url=document_url(document.pk),
        obj=project,
    )
    return agreement, document


def prepare_agreement(application: Application, *, actor) -> Project:
    """Turn an approved application into a project and send its grant agreement for signature.

    Creates the project (the grant from the board's latest decision that names one, else the
    budget's grant total; the co-financing from the budget) and one tranche per milestone (its
    amount and due date), moves the application by ``prepare_agreement`` and generates the
    grant agreement (PDF, in Russian) routed to the lead's signatory, then the Fund, linked to
    the agreement, the project and the application. The lead is notified.

    When the application is already in ``agreement`` and its grant agreement was refused, a new
    one is issued instead (the project stays as it is).

    Args:
        application: an approved application (or one whose agreement was refused).
        actor: one of the Fund's operators.

    Returns:
        The project.

    Raises:
        NotPermitted; Conflict (``not_approved``: the application is in another state;
        ``agreement_pending``: its agreement is on its route or in force). Nothing changes then.
    """
    from innocluster.programmes.services import move

    _permit(may_operate(actor))
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("lead", "call")
            .get(pk=application.pk)
        )
        existing = Project.objects.filter(application=locked).first()
        if locked.state == ApplicationState.AGREEMENT and existing is not None:
            project = _lock_project(existing)
            if (
                project.agreements.filter(kind=AgreementKind.MAIN)
                .exclude(state=AgreementState.REFUSED)
                .exists()
            ):
                raise Conflict(
                    _("The grant agreement is already on its route or in force."),
                    code="agreement_pending",
                )
            agreement, document = _issue_main(project, actor=actor)
            _audit(
                actor,
                "project.agreement_reissued",
                project,
                after={"agreement": str(agreement.pk), "document": str(document.pk)},
                summary=document.registration_number,
            )
            return project
        if locked.state != ApplicationState.APPROVED or existing is not None:
            raise Conflict(
                _(
                    "The application is “%(state)s”: an agreement is prepared only for an "
                    "approved application."
                )
                % {"state": ApplicationState(locked.state).label},
                code="not_approved",
            )
        cofinancing = locked.budget_lines.aggregate(total=Sum("cofinancing_rub"))["total"]
        project = Project.objects.create(
            application=locked,
            grant_rub=awarded_grant(locked),
            cofinancing_rub=cofinancing or Decimal("0.00"),
        )
        planned = list(locked.milestones.order_by("number"))
        amounts = tranche_amounts([m.tranche_rub for m in planned], project.grant_rub)
        Tranche.objects.bulk_create(
            [
                Tranche(
                    project=project,
                    milestone=milestone,
                    amount_rub=amount,
                    due_on=milestone.due_on,
                )
                for milestone, amount in zip(planned, amounts, strict=True)
            ]
        )
        move(locked, "prepare_agreement", actor=actor)
        agreement, document = _issue_main(project, actor=actor)
        _audit(
            actor,
            "project.agreement_prepared",
            project,
            after={
                "grant_rub": project.grant_rub,
                "cofinancing_rub": project.cofinancing_rub,
                "tranches": project.tranches.count(),
                "agreement": str(agreement.pk),
                "document": str(document.pk),
                "registration_number": document.registration_number,
            },
            summary=document.registration_number,
        )
    application.state = locked.state
    return project


def _agreement_for(document, object_id) -> Agreement | None:
    return linked_row(
        Agreement.objects.select_related("project__application__lead"),
        object_id,
        document,
        field="document_id",
        state=AgreementState.SIGNING,
    )


def agreement_signed(document, object_id: str) -> None:
    """``document_signed`` for an agreement: it is in force. The main one starts the project
    (``start_implementation``); a supplementary one applies its changes."""
    from innocluster.programmes.services import move

    agreement = _agreement_for(document, object_id)
    if agreement is None:
        return
    project = _live_project(agreement.project)
    if project is None:
        return
    signer = last_signer(document)
    now = timezone.now()
    agreement.state = AgreementState.IN_FORCE
    agreement.signed_at = now
    agreement.save(update_fields=["state", "signed_at", "updated_at"])
    application = project.application
    if agreement.kind == AgreementKind.MAIN:
        project.started_on = timezone.localdate(now)
        project.save(update_fields=["started_on", "updated_at"])
        move(application, "start_implementation", actor=None)
        _audit(
            signer,
            "project.agreement_in_force",
            project,
            after={"agreement": str(agreement.pk), "started_on": project.started_on},
            summary=document.registration_number,
        )
        notify(
            [application.lead],
            "project.started",
            gettext_lazy("The grant agreement on “%(title)s” is in force"),
            body=gettext_lazy(
                "Every party signed agreement %(number)s: the project is in implementation. "
                "Report on each milestone by its due date."
            ),
            params={"title": application.title, "number": document.registration_number},
            url=project_url(project),
            obj=project,
        )
        return
    before, after = _apply_changes(project, agreement.changes)
    _audit(
        signer,
        "project.supplementary_in_force",
        project,
        before={"agreement": str(agreement.pk), "milestones": before},
        after={"agreement": str(agreement.pk), "milestones": after},
        summary=document.registration_number,
    )
    notify(
        [application.lead],
        "project.supplementary_in_force",
        gettext_lazy("Supplementary agreement %(number)s on “%(title)s” is in force"),
        params={"title": application.title, "number": document.registration_number},
        url=project_url(project),
        obj=project,
    )


def _apply_changes(project: Project, changes: dict) -> tuple[list, list]:
    """Set the tranches' due dates and amounts as a supplementary agreement says."""
    before, after = [], []
    tranches = {str(t.milestone_id): t for t in project.tranches.select_for_update()}
    for change in changes.get("milestones", []):
        tranche = tranches.get(change["id"])
        if tranche is None:
            continue
        before.append(
            {"milestone": change["id"], "due_on": tranche.due_on, "amount_rub": tranche.amount_rub}
        )
        if change.get("due_on"):
            tranche.due_on = datetime.date.fromisoformat(change["due_on"])
        if change.get("tranche_rub") is not None and tranche.state == TrancheState.PLANNED:
            tranche.amount_rub = Decimal(change["tranche_rub"])
        tranche.save(update_fields=["due_on", "amount_rub", "updated_at"])
        after.append(
            {"milestone": change["id"], "due_on": tranche.due_on, "amount_rub": tranche.amount_rub}
        )
    return before, after


def agreement_rejected(document, object_id: str) -> None:
    """``document_rejected`` for an agreement: it is refused (nothing applies) and the Fund's
    staff are told, with the signer's reason."""
    agreement = _agreement_for(document, object_id)
    if agreement is None:
        return
    agreement.state = AgreementState.REFUSED
    agreement.save(update_fields=["state", "updated_at"])
    project = agreement.project
    _audit(
        refused_by(document),
        "project.agreement_refused",
        project,
        after={"agreement": str(agreement.pk), "kind": agreement.kind},
        summary=(document.status_reason or "")[:500],
    )
    notify(
        fund_staff(administrators=True),
        "project.agreement_refused",
        gettext_lazy("Agreement %(number)s on “%(title)s” was refused"),
        body=gettext_lazy("The reason given: %(reason)s"),
        params={
            "title": project.application.title,
            "number": document.registration_number,
            "reason": document.status_reason or "—",
        },
        url=project_url(project),
        obj=project,
    )


def _check_changes(project: Project, changes) -> list[dict]:
    """The supplementary agreement's changes, checked: each error names its field."""
    errors: list[FieldError] = []
    if not isinstance(changes, dict) or not isinstance(changes.get("milestones"), list):
        raise ValidationFailed(
            [FieldError("changes.milestones", _("List the milestones to change."), "required")]
        )
    items = changes["milestones"]
    if not items:
        raise ValidationFailed(
            [FieldError("changes.milestones", _("List the milestones to change."), "required")]
        )
    if len(items) > MAX_CHANGES:
        raise ValidationFailed(
            [FieldError("changes.milestones", _("Too many changes."), "too_many")]
        )
    tranches = {str(t.milestone_id): t for t in project.tranches.select_related("milestone").all()}
    # Milestones whose act of acceptance is on its route: their tranches are about to be payable.
    acting = {
        str(m)
        for m in project.reports.filter(act_document_id__isnull=False).values_list(
            "milestone_id", flat=True
        )
    }
    main = project.agreements.filter(kind=AgreementKind.MAIN, state=AgreementState.IN_FORCE).first()
    in_force_on = (
        timezone.localdate(main.signed_at) if main and main.signed_at else project.started_on
    )
    normalised: list[dict] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        field = f"changes.milestones[{index}]"
        if not isinstance(item, dict):
            errors.append(FieldError(field, _("Must be an object."), "type"))
            continue
        key = str(item.get("id") or "")
        tranche = tranches.get(key)
        if tranche is None:
            errors.append(
                FieldError(f"{field}.id", _("The project has no such milestone."), "unknown")
            )
            continue
        if key in seen:
            errors.append(
                FieldError(f"{field}.id", _("The milestone is listed twice."), "duplicate")
            )
            continue
        seen.add(key)
        change = {"id": key, "number": tranche.milestone.number, "due_on": None}
        change["tranche_rub"] = None
        due = item.get("due_on")
        if due not in (None, ""):
            try:
                due_on = datetime.date.fromisoformat(str(due))
            except ValueError:
                errors.append(
                    FieldError(f"{field}.due_on", _("Give a date as YYYY-MM-DD."), "invalid_date")
                )
            else:
                if in_force_on and due_on < in_force_on:
                    errors.append(
                        FieldError(
                            f"{field}.due_on",
                            _("The date is before the agreement came into force (%(date)s).")
                            % {"date": in_force_on.strftime("%d.%m.%Y")},
                            "before_agreement",
                        )
                    )
                else:
                    change["due_on"] = due_on.isoformat()
        amount = item.get("tranche_rub")
        if amount not in (None, ""):
            value = _amount(errors, f"{field}.tranche_rub", amount)
            if value is not None:
                if tranche.state != TrancheState.PLANNED and value != tranche.amount_rub:
                    errors.append(
                        FieldError(
                            f"{field}.tranche_rub",
                            _("The tranche is already payable or paid: it cannot change."),
                            "tranche_fixed",
                        )
                    )
                elif key in acting and value != tranche.amount_rub:
                    errors.append(
                        FieldError(
                            f"{field}.tranche_rub",
                            _(
                                "The milestone's act of acceptance is being signed: its tranche "
                                "cannot change."
                            ),
                            "act_pending",
                        )
                    )
                else:
                    change["tranche_rub"] = str(value)
        if (
            change["due_on"] is None
            and change["tranche_rub"] is None
            and not any(e.field.startswith(field) for e in errors)
        ):
            errors.append(
                FieldError(field, _("Give a new due date or a new tranche amount."), "required")
            )
        normalised.append(change)
    if not errors:
        new_amounts = {c["id"]: Decimal(c["tranche_rub"]) for c in normalised if c["tranche_rub"]}
        total = sum((new_amounts.get(key, t.amount_rub) for key, t in tranches.items()), Decimal(0))
        if total > project.grant_rub:
            errors.append(
                FieldError(
                    "changes.milestones",
                    _(
                        "The tranches would add up to %(total)s RUB, more than the grant of "
                        "%(grant)s RUB."
                    )
                    % {"total": _money(total), "grant": _money(project.grant_rub)},
                    "exceeds_grant",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return normalised


def propose_supplementary(project: Project, changes, *, actor, reason: str) -> Agreement:
    """Propose a supplementary agreement changing milestones' due dates and tranche amounts;
    nothing changes until the lead and the Fund have signed it (:func:`agreement_signed`).

    Args:
        project: a project in implementation, with no other supplementary agreement on its
            route.
        changes: ``{"milestones": [{"id": <milestone id>, "due_on": "YYYY-MM-DD",
            "tranche_rub": "1500000.00"}, ...]}``: either or both of a date and an amount.
        actor: one of the Fund's operators.
        reason: why the agreement changes (printed in it).

    Returns:
        The agreement, ``signing``.

    Raises:
        ValidationFailed (``reason``; ``changes.milestones[i].id``: an unknown milestone;
        ``...due_on``: a bad date, or one before the agreement came into force;
        ``...tranche_rub``: not a number, negative, or of a tranche already payable or whose
        act of acceptance is on its route;
        ``changes.milestones``: tranches that would exceed the grant), Conflict
        (``not_in_implementation``, ``supplementary_pending``), NotPermitted.
    """

    _permit(may_operate(actor))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, required=True, max_length=2000)
    if errors:
        raise ValidationFailed(errors)
    register_document_templates()
    with transaction.atomic():
        project = _lock_project(project)
        _in_implementation(project)
        if project.agreements.filter(
            kind=AgreementKind.SUPPLEMENTARY, state=AgreementState.SIGNING
        ).exists():
            raise Conflict(
                _("Another supplementary agreement is being signed; wait for it first."),
                code="supplementary_pending",
            )
        normalised = _check_changes(project, changes)
        sequence = (project.agreements.aggregate(n=Max("sequence"))["n"] or 0) + 1
        agreement = Agreement.objects.create(
            project=project,
            kind=AgreementKind.SUPPLEMENTARY,
            sequence=sequence,
            changes={"milestones": normalised},
            reason=reason,
        )
        application = project.application
        tranches = {str(t.milestone_id): t for t in project.tranches.select_related("milestone")}
        changed = []
        for change in normalised:
            tranche = tranches[change["id"]]
            changed.append(
                {
                    "number": tranche.milestone.number,
                    "title": tranche.milestone.title,
                    "old_due_on": tranche.due_on.strftime("%d.%m.%Y"),
                    "new_due_on": datetime.date.fromisoformat(change["due_on"]).strftime("%d.%m.%Y")
                    if change["due_on"]
                    else "",
                    "old_tranche": _money(tranche.amount_rub),
                    "new_tranche": _money(change["tranche_rub"]) if change["tranche_rub"] else "",
                }
            )
        main = project.agreements.filter(
            kind=AgreementKind.MAIN, state=AgreementState.IN_FORCE
        ).first()
        main_number = ""
        if main is not None and main.document_id:
            from innocluster.documents.models import Document

            main_number = (
                Document.objects.filter(pk=main.document_id)
                .values_list("registration_number", flat=True)
                .first()
                or ""
            )
        with translation.override(PRINT_LANG):
            title = _("Supplementary agreement No. %(n)d on the project %(number)s") % {
                "n": sequence,
                "number": application.number,
            }
        document = _send(
            agreement,
            SUPPLEMENTARY_TEMPLATE,
            {
                "application_number": application.number,
                "project_title": application.title,
                "lead_name": application.lead.name_ru,
                "lead_inn": application.lead.inn or "—",
                "main_number": main_number,
                "reason": reason,
                "changed": changed,
            },
            title=title,
            actor=actor,
        )
        _audit(
            actor,
            "project.supplementary_proposed",
            project,
            after={
                "agreement": str(agreement.pk),
                "sequence": sequence,
                "changes": agreement.changes,
                "document": str(document.pk),
            },
            summary=reason,
        )
        notify(
            [application.lead],
            "project.supplementary_to_sign",
            gettext_lazy("A supplementary agreement on “%(title)s” waits for your signature"),
            body=gettext_lazy("The Fund proposes changes: %(reason)s"),
            params={"title": application.title, "reason": reason},
            url=document_url(document.pk),
            obj=project,
        )
    return agreement


def _withdraw_documents(project: Project, *, actor, reason: str) -> list[str]:
    """Revoke, through document circulation and with the termination's reason, every document
    of the project still on its signing route (its agreements, its acts of acceptance), so that
    no signer is asked any more; their agreements are withdrawn and their reports no longer
    wait for the act. Returns the revoked documents' registration numbers."""
    from innocluster.documents.choices import IN_FLIGHT_STATUSES, DocumentStatus
    from innocluster.documents.selectors import documents_linked_to
    from innocluster.documents.services import revoke
    from innocluster.documents.workflows import find_transition

    from ..models import MilestoneReport

    in_flight = (
        documents_linked_to(project)
        .filter(status__in=IN_FLIGHT_STATUSES)
        .distinct()
        .order_by("created_at")
    )
    revoked = []
    for document in in_flight:
        if find_transition(document.status, DocumentStatus.REVOKED) is None:
            # Document circulation has no way to take back a document on its route (yet): it
            # stays with its signers, and signing it changes nothing in a terminated project.
            continue
        revoke(document, actor, reason)
        revoked.append(document)
    ids = [d.pk for d in revoked]
    project.agreements.filter(document_id__in=ids, state=AgreementState.SIGNING).update(
        state=AgreementState.WITHDRAWN, updated_at=timezone.now()
    )
    MilestoneReport.objects.filter(project=project, act_document_id__in=ids).update(
        act_document_id=None, updated_at=timezone.now()
    )
    return [d.registration_number for d in revoked]


def terminate(project: Project, *, actor, reason: str) -> Project:
    """Stop the project, with the Fund's reasons: the application moves by ``terminate`` (from
    ``agreement`` or ``in_implementation``), the project records when and why, its documents
    still on their signing route are revoked with the same reasons (their agreements
    ``withdrawn``), and the whole consortium is told.

    Returns the project. Raises ValidationFailed (``reason``), Conflict
    (``invalid_transition``: already completed or terminated), NotPermitted; nothing changes
    then.
    """
    from innocluster.programmes.services import move

    _permit(may_operate(actor))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, required=True, max_length=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_project(project)
        source = locked.application.state
        # Recorded first: the workflow's guard lets only a recorded termination move the
        # application; a refused move rolls it back with everything else.
        locked.terminated_at = timezone.now()
        locked.termination_reason = reason
        locked.save(update_fields=["terminated_at", "termination_reason", "updated_at"])
        move(locked.application, "terminate", actor=actor, reason=reason)
        revoked = _withdraw_documents(locked, actor=actor, reason=reason)
        _audit(
            actor,
            "project.terminated",
            locked,
            before={"state": source},
            after={"state": ApplicationState.TERMINATED, "revoked_documents": revoked},
            summary=reason,
        )
        notify(
            consortium(locked),
            "project.terminated",
            gettext_lazy("The project “%(title)s” is terminated"),
            body=gettext_lazy("The Fund terminated the project. Its reasons: %(reason)s"),
            params={"title": locked.application.title, "reason": reason},
            url=project_url(locked),
            obj=locked,
        )
    project.terminated_at = locked.terminated_at
    project.termination_reason = locked.termination_reason
    return project
