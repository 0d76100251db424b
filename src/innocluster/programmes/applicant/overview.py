"""The applicants' own pages: "my applications", starting one from a call, an application's
overview (state, checklist, consortium, documents, history) and its submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import DomainError, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.core.views import signed_in
from innocluster.registry.choices import ADMITTED_STATUSES, MembershipStatus, OrgRole
from innocluster.registry.models import Organisation

from .. import selectors, services, workflows
from ..checks import required_document_codes
from ..choices import ApplicationState as S
from ..choices import CallStatus, MemberRole, ParticipationStatus
from ..forms import StartForm
from ..forms_schema import check_form_answers
from ..models import Application, BudgetLine, ConsortiumMember, Milestone
from ..permissions import may_edit_application, may_sign_for_lead
from .common import (
    SECTIONS,
    Refusal,
    acting_organisation_ids,
    application_for,
    decorate,
    page_context,
    section_link,
    summary,
)

TEMPLATES = "programmes/applications/"

# What happens next, in plain words, for each state.
NEXT_STEPS = {
    S.DRAFT: gettext_lazy(
        "The lead applicant prepares the application: fill in every section and invite the "
        "partners, whose signatories confirm their participation by signing a consent. Then the "
        "lead's signatory submits the application before the deadline and signs the submission "
        "document."
    ),
    S.SUBMITTED: gettext_lazy(
        "The application is submitted and registered. The Fund's operators will check the formal "
        "requirements (screening)."
    ),
    S.SCREENING: gettext_lazy(
        "The Fund's operators are checking the formal requirements. They may return the "
        "application for revision, with their reasons."
    ),
    S.REVISION_REQUESTED: gettext_lazy(
        "The Fund returned the application for revision. Read the reasons below, change what "
        "they ask for, and the lead's signatory submits it again."
    ),
    S.IN_REVIEW: gettext_lazy("Independent experts are reviewing the application."),
    S.BOARD: gettext_lazy(
        "The application is on the agenda of the supervisory board, which decides on support."
    ),
    S.APPROVED: gettext_lazy(
        "The board supports the project. The grant agreement will be prepared for signature."
    ),
    S.REJECTED: gettext_lazy("The application is not supported. The reasons are in its history."),
    S.WAITLISTED: gettext_lazy(
        "The project is on the waiting list: it will be supported if money frees up."
    ),
    S.AGREEMENT: gettext_lazy("The grant agreement is being signed by the lead and the Fund."),
    S.IN_IMPLEMENTATION: gettext_lazy(
        "The agreement is in force: the consortium carries out the project and reports its "
        "milestones."
    ),
    S.COMPLETED: gettext_lazy("The project is implemented: its final report was accepted."),
    S.TERMINATED: gettext_lazy("The project was stopped before completion."),
}

# The history's words for the audit events' stable action codes.
EVENT_LABELS = {
    "application.created": gettext_lazy("Application started"),
    "application.details_saved": gettext_lazy("Project details saved"),
    "application.answers_saved": gettext_lazy("Answers saved"),
    "application.budget_saved": gettext_lazy("Budget saved"),
    "application.milestones_saved": gettext_lazy("Milestones saved"),
    "application.kpi_targets_saved": gettext_lazy("KPI targets saved"),
    "application.partner_invited": gettext_lazy("Partner invited"),
    "application.consent_sent": gettext_lazy("Consent sent to the partner for signature"),
    "application.partner_confirmed": gettext_lazy("Partner confirmed its participation"),
    "application.partner_declined": gettext_lazy("Partner declined"),
    "application.attachment_added": gettext_lazy("File attached"),
    "application.submit": gettext_lazy("Submitted"),
    "application.resubmit": gettext_lazy("Submitted again after revision"),
    "application.start_screening": gettext_lazy("Screening started"),
    "application.request_revision": gettext_lazy("Returned for revision"),
    "application.pass_screening": gettext_lazy("Screening passed"),
    "application.reject": gettext_lazy("Rejected"),
    "application.send_to_board": gettext_lazy("Sent to the board"),
    "application.approve": gettext_lazy("Approved by the board"),
    "application.waitlist": gettext_lazy("Waitlisted"),
}
SUBMIT_LABELS = {
    "submit": gettext_lazy("Submit the application"),
    "resubmit": gettext_lazy("Submit the revised application"),
}
WAITING = (ParticipationStatus.INVITED, ParticipationStatus.CONSENT_SENT)


# --- My applications ---------------------------------------------------------------------------


def _missing(application: Application) -> list[str]:
    """A short list of what a draft still lacks, from what the list already loaded (the full
    checklist is on the application's page)."""
    call = application.call
    labels = dict(SECTIONS)
    missing = []
    if not application.title or (
        call.priority_areas and application.priority_area not in call.priority_areas
    ):
        missing.append(labels["details"])
    fields = call.form_version.fields if call.form_version_id else []
    if any(e.code == "required" for e in check_form_answers(fields, application.answers or {})):
        missing.append(labels["answers"])
    members = [m for m in application.members.all() if m.status != ParticipationStatus.DECLINED]
    if len(members) < call.min_members or any(
        m.status != ParticipationStatus.CONFIRMED for m in members
    ):
        missing.append(labels["consortium"])
    if not application.has_budget:
        missing.append(labels["budget"])
    if not application.has_milestones:
        missing.append(labels["milestones"])
    attached = {a.required_document for a in application.attachments.all()}
    if any(code not in attached for code in required_document_codes(call)):
        missing.append(labels["attachments"])
    return [str(label) for label in missing]


PER_PAGE = 25


@require_safe
@signed_in
def my_applications(request):
    """Every application where an organisation the user acts for is the lead or a partner;
    invitations waiting for the consent of the user's organisation on top."""
    org_ids = acting_organisation_ids(request.user, roles=OrgRole.values)
    invitations = list(
        ConsortiumMember.objects.filter(
            organisation_id__in=org_ids,
            role=MemberRole.PARTNER,
            status__in=WAITING,
            application__state__in=services.EDITABLE_STATES,
        )
        .select_related("organisation", "application__call", "application__lead")
        .order_by("invited_at")
    )
    # A partner that declined is out of the consortium (permissions.may_see_application).
    mine = Application.objects.filter(
        pk__in=ConsortiumMember.objects.filter(organisation_id__in=org_ids)
        .exclude(status=ParticipationStatus.DECLINED)
        .values("application_id")
    ).order_by("-updated_at", "-id")
    page = Paginator(mine.values_list("pk", flat=True), PER_PAGE).get_page(request.GET.get("page"))
    applications = list(
        Application.objects.filter(pk__in=list(page.object_list))
        .select_related("call__form_version", "lead")
        .prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation")),
            "attachments",
        )
        .annotate(
            has_budget=Exists(BudgetLine.objects.filter(application=OuterRef("pk"))),
            has_milestones=Exists(Milestone.objects.filter(application=OuterRef("pk"))),
        )
        .order_by("-updated_at", "-id")
    )
    rows = []
    for application in applications:
        mine = [m for m in application.members.all() if m.organisation_id in org_ids]
        rows.append(
            {
                "application": application,
                "state_label": S(application.state).label,
                "roles": sorted({str(MemberRole(m.role).label) for m in mine}),
                "missing": _missing(application)
                if application.state in services.EDITABLE_STATES
                else [],
            }
        )
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "invitations": invitations,
            "rows": rows,
            "page": page,
            "has_organisation": bool(org_ids),
        },
    )


# --- Starting an application -------------------------------------------------------------------


def lead_candidates(user, call) -> list[Organisation]:
    """The organisations ``user`` may lead an application to ``call`` for: those where they are
    an owner, editor or signatory, admitted to the cluster (members only, if the call says so)."""
    if not getattr(user, "is_authenticated", False):
        return []
    statuses = (MembershipStatus.MEMBER,) if call.lead_must_be_member else ADMITTED_STATUSES
    return list(
        Organisation.objects.filter(
            pk__in=acting_organisation_ids(user), status__in=statuses
        ).order_by("name_ru")
    )


def apply_context(request, call, *, form=None) -> dict:
    """The "Apply" block of a call's page: the form, or why the visitor cannot apply."""
    user = request.user
    context = {"call": call, "open": call.status_at(timezone.now()) == CallStatus.OPEN}
    if not context["open"]:
        return context
    if not user.is_authenticated:
        context["reason"] = "sign_in"
        context["login_url"] = (
            reverse("accounts:login") + "?next=" + reverse("programmes:call", args=[call.code])
        )
        return context
    organisations = lead_candidates(user, call)
    if not organisations and user.is_fund_staff:
        return {"call": call, "open": False}  # the Fund runs the call; it does not apply
    if not organisations:
        context["reason"] = "no_organisation"
        context["acts_for_any"] = bool(acting_organisation_ids(user))
        return context
    context["existing"] = list(
        Application.objects.filter(
            call=call,
            pk__in=ConsortiumMember.objects.filter(
                organisation_id__in=acting_organisation_ids(user, roles=OrgRole.values)
            ).values("application_id"),
        ).order_by("-created_at")[:20]
    )
    form = form or StartForm(organisations=organisations)
    decorate(form)
    context["form"] = form
    context["action"] = reverse("applications:start", args=[call.code])
    return context


@signed_in
def start(request, code: str):
    """Start a draft application to an open call (POST), then go to its page; GET shows the
    same form as the call's page."""
    call = selectors.public_call(code)
    if call is None:
        raise Http404
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    status = 200
    refusal = Refusal()
    form = None
    if request.method == "POST":
        form = StartForm(request.POST, organisations=lead_candidates(request.user, call))
        if form.is_valid():
            lead = form.lead_organisation()
            try:
                application = services.create_application(
                    call, lead, actor=request.user, title=form.cleaned_data["title"]
                )
            except DomainError as error:
                refusal = Refusal(error, lambda field: (form, field))
                status = refusal.status
            else:
                messages.success(
                    request,
                    _("The application is started. Fill in its sections and invite the partners."),
                )
                return redirect("applications:detail", application_id=application.pk)
        else:
            status = 422
    apply = apply_context(request, call, form=form)
    return render(
        request,
        TEMPLATES + "start.html",
        {
            "apply": apply,
            "call": call,
            "errors": summary([apply["form"]], refusal) if apply.get("form") else [],
        },
        status=status,
    )


# --- The overview ------------------------------------------------------------------------------


def _documents(user, application):
    """The application's documents (submission, its data, consents) the user may open."""
    from innocluster.documents.models import Document
    from innocluster.documents.permissions import pending_step_for
    from innocluster.documents.selectors import documents_linked_to

    documents = list(
        documents_linked_to(application)
        .filter(pk__in=Document.objects.visible_to(user).values("pk"))
        .select_related("current_version")
        .order_by("created_at")
    )
    for document in documents:
        document.to_sign = document.status in ("sent", "partly_signed") and (
            pending_step_for(user, document) is not None
        )
    return documents


def _history(application):
    events = list(
        AuditEvent.objects.filter(
            object_type="programmes.application", object_id=str(application.pk)
        )
        .select_related("actor")
        .order_by("-occurred_at")[:200]
    )
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.who = (
            (event.actor.full_name or event.actor.email) if event.actor else _("the platform")
        )
    return events


def _submit_actions(user, application) -> list[dict]:
    """The applicant's moves from this state (submit, resubmit): each with whether the user may
    take it now and, if not, why."""
    actions = []
    available = {t.action for t in workflows.available(user, application)}
    for action in services.SUBMIT_ACTIONS:
        transition = workflows.find(application.state, action)
        if transition is None:
            continue
        allowed, reason = workflows.can_do(user, application, action)
        actions.append(
            {
                "action": action,
                "label": SUBMIT_LABELS[action],
                "allowed": allowed and action in available,
                "reason": reason,
            }
        )
    return actions


def overview_context(request, application, *, refusal=None, problems=None) -> dict:
    user = request.user
    context = page_context(request, application, "overview")
    members = list(
        application.members.select_related("organisation").order_by("role", "invited_at")
    )
    mine = acting_organisation_ids(user)
    if problems is None and application.state in services.EDITABLE_STATES:
        from ..checks import submission_problems

        problems = submission_problems(application)
    revisions = list(
        AuditEvent.objects.filter(
            object_type="programmes.application",
            object_id=str(application.pk),
            action="application.request_revision",
        ).order_by("-occurred_at")
    )
    context.update(
        {
            "next_step": NEXT_STEPS.get(application.state, ""),
            "checklist": [
                {"text": p.message, "url": section_link(application, p.field), "code": p.code}
                for p in problems or []
            ],
            "members": members,
            "my_invitations": [
                m
                for m in members
                if m.role == MemberRole.PARTNER
                and m.organisation_id in mine
                and m.status in WAITING
            ],
            "documents": _documents(user, application),
            "revisions": revisions,
            "history": _history(application),
            "submit_actions": _submit_actions(user, application)
            if may_edit_application(user, application)[0]
            else [],
            "is_signatory": may_sign_for_lead(user, application)[0],
            "refusal": refusal,
            "deadline": application.call.deadline,
        }
    )
    return context


@require_safe
@signed_in
def detail(request, application_id):
    """The application's overview: state and what happens next, the checklist, the
    consortium, the documents, the Fund's reasons for a revision, the history and the
    submit button for the lead's signatory."""
    application = application_for(request.user, application_id)
    return render(request, TEMPLATES + "detail.html", overview_context(request, application))


@require_POST
@signed_in
def move(request, application_id):
    """Submit or resubmit (services.move); then to the submission document to sign it."""
    application = application_for(request.user, application_id)
    action = request.POST.get("action", "")
    if action not in services.SUBMIT_ACTIONS:
        raise Http404
    try:
        services.move(application, action, actor=request.user)
    except DomainError as error:
        problems = error.errors if isinstance(error, ValidationFailed) else None
        refusal = Refusal()
        refusal.status = 422 if problems else Refusal(error).status
        refusal.code = error.code
        refusal.messages.append(str(error.message))
        application = application_for(request.user, application_id)
        context = overview_context(request, application, refusal=refusal, problems=problems)
        return render(request, TEMPLATES + "detail.html", context, status=refusal.status)
    messages.success(
        request,
        _(
            "The application %(number)s is registered. Sign the submission document now: "
            "it is submitted once you have signed it and its data."
        )
        % {"number": application.number},
    )
    if application.submission_document_id:
        return redirect("documents:detail", document_id=application.submission_document_id)
    return redirect("applications:detail", application_id=application.pk)


@require_safe
@signed_in
def attachment_download(request, application_id, attachment_id):
    """An attached file, for the people who may see the application."""
    from innocluster.documents import storage

    application = application_for(request.user, application_id)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        data = storage.get(attachment.sha256)
    except Exception:  # a missing or damaged stored file is not served
        return HttpResponse(
            _("The stored file is missing or damaged."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type=attachment.media_type)
    safe_name = attachment.filename.replace('"', "")
    response["Content-Disposition"] = (
        f'attachment; filename="{safe_name.encode("ascii", "replace").decode()}"; '
        f"filename*=UTF-8''{_quote(attachment.filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
