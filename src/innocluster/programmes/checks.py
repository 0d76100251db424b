"""What an application must satisfy to be submitted: each problem names the field and the rule.

``submission_problems`` is the submit guard's check (``workflows._complete``) and what the
application page lists before the lead's signatory presses "Submit". The rules come from the
call: its form version, areas and innovation types, consortium rules, money rules and required
documents. Nothing here writes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError
from innocluster.registry.choices import ADMITTED_STATUSES, MembershipStatus, SmeCategory

from .choices import MemberRole, ParticipationStatus
from .forms_schema import check_form_answers

SME_CATEGORIES = (SmeCategory.MICRO, SmeCategory.SMALL, SmeCategory.MEDIUM)


def required_document_codes(call) -> list[str]:
    """The codes of the call's required documents (``required_documents`` holds codes, or
    objects with a ``code`` and optionally ``"required": false`` for optional ones)."""
    codes = []
    for item in call.required_documents or []:
        if isinstance(item, str):
            codes.append(item)
        elif isinstance(item, dict) and item.get("code") and item.get("required", True):
            codes.append(str(item["code"]))
    return codes


def known_document_codes(call) -> set[str]:
    """Every document code the call names, required or optional."""
    codes = set()
    for item in call.required_documents or []:
        if isinstance(item, str):
            codes.add(item)
        elif isinstance(item, dict) and item.get("code"):
            codes.add(str(item["code"]))
    return codes


def active_members(application) -> list:
    """The consortium's members that have not declined, lead first."""
    members = (
        application.members.exclude(status=ParticipationStatus.DECLINED)
        .select_related("organisation")
        .order_by("role", "invited_at")
    )
    return sorted(members, key=lambda m: m.role != MemberRole.LEAD)


def _basics(application) -> list[FieldError]:
    call = application.call
    problems = []
    if not (application.title or "").strip():
        problems.append(FieldError("title", _("The project needs a title."), "required"))
    if call.priority_areas and application.priority_area not in call.priority_areas:
        problems.append(
            FieldError(
                "priority_area",
                _("Choose one of the call's priority areas: %(areas)s.")
                % {"areas": ", ".join(call.priority_areas)},
                "not_in_call" if application.priority_area else "required",
            )
        )
    if call.innovation_types and application.innovation_type not in call.innovation_types:
        problems.append(
            FieldError(
                "innovation_type",
                _("Choose one of the call's innovation types: %(types)s.")
                % {"types": ", ".join(call.innovation_types)},
                "not_in_call" if application.innovation_type else "required",
            )
        )
    if call.form_version_id is not None:
        problems += check_form_answers(call.form_version.fields, application.answers or {})
    return problems


def consortium_problems(application) -> list[FieldError]:
    """The call's consortium rules, over the members that have not declined."""
    call = application.call
    members = active_members(application)
    problems = []
    count = len(members)
    if not call.min_members <= count <= call.max_members:
        problems.append(
            FieldError(
                "members",
                _(
                    "The call takes consortia of %(min)d to %(max)d organisations; "
                    "this one has %(n)d."
                )
                % {"min": call.min_members, "max": call.max_members, "n": count},
                "consortium_size",
            )
        )
    smes = sum(1 for m in members if m.organisation.sme_category in SME_CATEGORIES)
    if smes < call.min_sme_members:
        problems.append(
            FieldError(
                "members",
                _("The call needs at least %(min)d small or medium enterprises; there are %(n)d.")
                % {"min": call.min_sme_members, "n": smes},
                "too_few_smes",
            )
        )
    for index, member in enumerate(members):
        organisation = member.organisation
        field = f"members[{index}]"
        lead_rule = call.lead_must_be_member and member.role == MemberRole.LEAD
        if lead_rule and organisation.status != MembershipStatus.MEMBER:
            problems.append(
                FieldError(
                    field,
                    _("The lead applicant must be a member of the cluster."),
                    "lead_not_member",
                )
            )
            continue
        if organisation.status not in ADMITTED_STATUSES:
            problems.append(
                FieldError(
                    field,
                    _("%(name)s is neither a member nor a partner organisation of the cluster.")
                    % {"name": organisation.name_ru},
                    "not_admitted",
                )
            )
        if member.role == MemberRole.PARTNER and member.status != ParticipationStatus.CONFIRMED:
            problems.append(
                FieldError(
                    field,
                    _("%(name)s has not yet confirmed its participation (signed consent).")
                    % {"name": organisation.name_ru},
                    "not_confirmed",
                )
            )
    return problems


def _milestone_problems(application, milestones, today: datetime.date) -> list[FieldError]:
    problems = []
    if not milestones:
        return [FieldError("milestones", _("Plan at least one milestone."), "required")]
    previous = None
    for index, milestone in enumerate(milestones):
        if milestone.due_on <= today:
            problems.append(
                FieldError(
                    f"milestones[{index}].due_on",
                    _("A milestone's due date must be in the future."),
                    "in_the_past",
                )
            )
        if previous is not None and milestone.due_on < previous:
            problems.append(
                FieldError(
                    f"milestones[{index}].due_on",
                    _("Milestones must be in order of their due dates."),
                    "out_of_order",
                )
            )
        if milestone.tranche_rub < 0:
            problems.append(
                FieldError(
                    f"milestones[{index}].tranche_rub",
                    _("A tranche must not be negative."),
                    "negative",
                )
            )
        previous = milestone.due_on
    return problems


def budget_problems(application, lines, milestones, today: datetime.date) -> list[FieldError]:
    """The call's money rules over the budget lines, and the tranches against the grant."""
    call = application.call
    problems = []
    grant = Decimal(0)
    cofinancing = Decimal(0)
    if not lines:
        problems.append(FieldError("budget", _("The budget has no lines."), "required"))
    first_year = min([today.year] + [m.due_on.year for m in milestones])
    last_year = max([m.due_on.year for m in milestones], default=None)
    for index, line in enumerate(lines):
        for name in ("grant_rub", "cofinancing_rub"):
            if getattr(line, name) < 0:
                problems.append(
                    FieldError(
                        f"budget[{index}].{name}", _("An amount must not be negative."), "negative"
                    )
                )
        if last_year is not None and not first_year <= line.year <= last_year:
            problems.append(
                FieldError(
                    f"budget[{index}].year",
                    _("The year must be within the project's milestones: %(a)d to %(b)d.")
                    % {"a": first_year, "b": last_year},
                    "outside_project",
                )
            )
        grant += line.grant_rub
        cofinancing += line.cofinancing_rub
    if grant > call.max_grant_rub:
        problems.append(
            FieldError(
                "budget",
                _("The grant requested, %(grant)s RUB, exceeds the call's maximum of %(max)s RUB.")
                % {"grant": grant, "max": call.max_grant_rub},
                "grant_too_large",
            )
        )
    total = grant + cofinancing
    if call.cofinancing_min_share and (
        total <= 0 or cofinancing / total < Decimal(call.cofinancing_min_share)
    ):
        share = (cofinancing / total * 100) if total > 0 else Decimal(0)
        problems.append(
            FieldError(
                "budget",
                _("Co-financing must be at least %(min)s%% of the budget; it is %(share)s%%.")
                % {
                    "min": (Decimal(call.cofinancing_min_share) * 100).normalize(),
                    "share": share.quantize(Decimal("0.01")),
                },
                "cofinancing_too_low",
            )
        )
    if milestones:
        tranches = sum((m.tranche_rub for m in milestones), Decimal(0))
        if tranches != grant:
            problems.append(
                FieldError(
                    "milestones",
                    _(
                        "The milestones' tranches add up to %(tranches)s RUB, "
                        "not to the grant requested, %(grant)s RUB."
                    )
                    % {"tranches": tranches, "grant": grant},
                    "tranches_mismatch",
                )
            )
    return problems


def submission_problems(application) -> list[FieldError]:
    """Everything that stops ``application`` from being submitted now, in the order of the
    application's sections; empty when it may be submitted.

    Args:
        application: the application (its call, members, budget, milestones, KPI targets and
            attachments are read from the database).

    Returns:
        One ``FieldError`` per broken rule, naming the field (``title``, ``answers.<name>``,
        ``members[1]``, ``budget[2].grant_rub``, ``milestones[0].due_on``, ``kpi[0].target``,
        ``attachments.<code>``) and the rule (its ``code``).
    """
    call = application.call
    today = timezone.localdate()
    lines = list(application.budget_lines.order_by("year", "category"))
    milestones = list(application.milestones.order_by("number"))
    problems = _basics(application)
    problems += consortium_problems(application)
    problems += budget_problems(application, lines, milestones, today)
    problems += _milestone_problems(application, milestones, today)
    for index, target in enumerate(application.kpi_targets.order_by("kpi")):
        if target.target < 0:
            problems.append(
                FieldError(
                    f"kpi[{index}].target", _("A KPI target must not be negative."), "negative"
                )
            )
    attached = set(application.attachments.values_list("required_document", flat=True))
    for code in required_document_codes(call):
        if code not in attached:
            problems.append(
                FieldError(
                    f"attachments.{code}",
                    _("The call requires the document “%(code)s”; attach it.") % {"code": code},
                    "missing_document",
                )
            )
    return problems
