"""The consortium page: the members and their consent, inviting a partner by INN, sending it the
consent to sign, and, for a partner's own people, confirming (signing the consent document) or
declining with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innocluster.core.errors import DomainError
from innocluster.core.views import signed_in

from .. import services
from ..choices import MemberRole, ParticipationStatus
from ..forms import DeclineForm, InviteForm
from .common import (
    Refusal,
    acting_organisation_ids,
    application_for,
    decorate,
    page_context,
    summary,
)

TEMPLATES = "programmes/applications/"
WAITING = (ParticipationStatus.INVITED, ParticipationStatus.CONSENT_SENT)


def _page(request, application, *, invite_form=None, decline_forms=None, refusal=None, status=200):
    user = request.user
    members = list(
        application.members.select_related("organisation").order_by("role", "invited_at")
    )
    mine = acting_organisation_ids(user)
    decline_forms = decline_forms or {}
    rows = []
    for member in members:
        is_mine = member.role == MemberRole.PARTNER and member.organisation_id in mine
        form = None
        if is_mine and member.status in WAITING:
            form = decline_forms.get(member.pk) or DeclineForm(prefix=f"decline-{member.pk}")
        rows.append(
            {
                "member": member,
                "status_label": ParticipationStatus(member.status).label,
                "role_label": MemberRole(member.role).label,
                "is_mine": is_mine,
                "decline_form": form,
            }
        )
    context = page_context(request, application, "consortium")
    invite_form = invite_form or InviteForm()
    forms = [invite_form] + [row["decline_form"] for row in rows if row["decline_form"]]
    decorate(*forms)
    refusal = refusal or Refusal()
    context.update(
        {
            "rows": rows,
            "invite_form": invite_form,
            "refusal": refusal,
            "errors": summary(forms, refusal),
            "active_count": sum(1 for m in members if m.status != ParticipationStatus.DECLINED),
        }
    )
    return render(request, TEMPLATES + "consortium.html", context, status=status)


@signed_in
def consortium(request, application_id):
    """The consortium's members with each one's participation and consent."""
    if request.method not in ("GET", "HEAD"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "HEAD"])
    application = application_for(request.user, application_id)
    return _page(request, application)


@require_POST
@signed_in
def invite(request, application_id):
    """Invite a partner by INN (services.invite_partner)."""
    application = application_for(request.user, application_id)
    form = InviteForm(request.POST)
    form.is_valid()
    try:
        member = services.invite_partner(
            application, form.cleaned_data.get("inn", ""), actor=request.user
        )
    except DomainError as error:
        refusal = Refusal(error, lambda field: (form, "inn" if field == "inn" else None))
        return _page(request, application, invite_form=form, refusal=refusal, status=refusal.status)
    messages.success(
        request,
        _("%(name)s is invited. Send it the consent to sign.") % {"name": member.organisation.name},
    )
    return redirect("applications:consortium", application_id=application.pk)


def _member(application, member_id):
    member = application.members.select_related("organisation").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


@require_POST
@signed_in
def send_consent(request, application_id, member_id):
    """Send the partner its consent document to sign (services.send_consent)."""
    application = application_for(request.user, application_id)
    member = _member(application, member_id)
    try:
        document = services.send_consent(member, actor=request.user)
    except DomainError as error:
        refusal = Refusal(error)
        return _page(request, application, refusal=refusal, status=refusal.status)
    messages.success(
        request,
        _("The consent %(number)s is sent to %(name)s's signatory.")
        % {"number": document.registration_number, "name": member.organisation.name},
    )
    return redirect("applications:consortium", application_id=application.pk)


@require_POST
@signed_in
def decline(request, application_id, member_id):
    """A partner's people decline to take part, with a reason (services.decline_participation)."""
    application = application_for(request.user, application_id)
    member = _member(application, member_id)
    form = DeclineForm(request.POST, prefix=f"decline-{member.pk}")
    form.is_valid()
    try:
        services.decline_participation(
            member, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as error:
        refusal = Refusal(error, lambda field: (form, "reason" if field == "reason" else None))
        return _page(
            request,
            application,
            decline_forms={member.pk: form},
            refusal=refusal,
            status=refusal.status,
        )
    messages.success(request, _("Your organisation declined to take part."))
    return redirect("applications:consortium", application_id=application.pk)
