"""Pages of challenges and solutions (under /exchange/challenges/). Views are thin: they find
what the visitor may see (404 otherwise), parse a form, call one service and render; a
service's refusal is shown next to the fields it names."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from innocluster.core.errors import DomainError, NotFound
from innocluster.core.views import signed_in
from innocluster.programmes.applicant.common import Refusal, decorate, summary
from innocluster.registry.choices import ADMITTED_STATUSES

from . import exports, selectors, services, workflows
from .choices import ChallengeStatus, SolutionStatus, Visibility
from .forms import (
    ChallengeFilterForm,
    ChallengeForm,
    ChallengeMoveForm,
    MessageForm,
    MoreFilesForm,
    NdaForm,
    SolutionForm,
    SolutionMoveForm,
    read_files,
)
from .models import PROTECTED_FIELDS
from .permissions import (
    acting_organisations,
    may_manage_challenge,
    may_post_message,
    may_withdraw_solution,
    organisation_ids,
    owner_not_admitted_reason,
)
from .selectors import Viewer, protected_text_visible_to

T = "exchange/challenges/"
S = "exchange/solutions/"
PER_PAGE = 25


def private(view):
    """Every page here depends on who looks: never cached; a NotFound is a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        add_never_cache_headers(response)
        return response

    return wrapper


def _methods(request, allowed=("GET", "HEAD", "POST")):
    if request.method not in allowed:
        return HttpResponseNotAllowed(list(allowed))
    return None


def _areas(codes) -> list[str]:
    from innocluster.programmes.selectors import area_labels

    return area_labels(codes)


def _money(value) -> str:
    from innocluster.programmes.selectors import money

    return money(value)


def _offers(codes) -> list[str]:
    from .choices import OwnerOffer

    labels = dict(OwnerOffer.choices)
    return [str(labels.get(c, c)) for c in codes]


def matching_url(challenge) -> str:
    try:
        return reverse("matching:challenge", args=[challenge.pk])
    except NoReverseMatch:
        return f"/matching/challenges/{challenge.pk}/"


def teaser(challenge) -> dict:
    """What anyone who sees the challenge reads (never a protected field)."""
    return {
        "challenge": challenge,
        "areas": _areas(challenge.priority_areas),
        "offers": _offers(challenge.owner_offers),
        "budget_min": _money(challenge.budget_min_rub)
        if challenge.budget_min_rub is not None
        else "",
        "budget_max": _money(challenge.budget_max_rub)
        if challenge.budget_max_rub is not None
        else "",
        "status_label": selectors.challenge_status_label(challenge.status),
        "visibility_label": challenge.get_visibility_display(),
    }


def _labelled(solutions) -> list:
    """Solutions, each with its status's name as the pages show it."""
    rows = list(solutions)
    for solution in rows:
        solution.status_label = selectors.solution_status_label(solution.status)
    return rows


# --- The list, mine ------------------------------------------------------------------------


@private
def challenge_list(request):
    """Published challenges the visitor may see, filtered, 25 a page."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    form = ChallengeFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.listed_challenges(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        f"{T}list.html",
        {
            "form": form,
            "page": page,
            "rows": [teaser(c) for c in page.object_list],
            "query": query.urlencode(),
            "may_post": bool(acting_organisations(request.user)),
        },
    )


@signed_in
def my_challenges(request):
    """My organisations' challenges (drafts too) and the solutions they sent."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    challenges = selectors.my_challenges(request.user)
    return render(
        request,
        f"{T}mine.html",
        {
            "challenges": [teaser(c) for c in challenges],
            "solutions": _labelled(selectors.my_solutions(request.user)),
            "may_post": bool(acting_organisations(request.user)),
        },
    )


# --- Creating and editing ------------------------------------------------------------------


def _form_page(request, form, refusal, challenge=None, status=200):
    decorate(form)
    errors = summary([form], refusal)
    if status == 200 and (refusal.status != 200 or (form.is_bound and form.errors)):
        status = refusal.status if refusal.status != 200 else 422
    return render(
        request,
        f"{T}form.html",
        {"form": form, "challenge": challenge, "refusal": refusal, "errors": errors},
        status=status,
    )


def _resolve(form):
    """Where a service's refusal of ``field`` goes on ``form``: its own field, the file field
    for the services' ``attachments`` and ``attachments[i]``, else the form as a whole."""

    def resolve(field):
        if field.startswith("attachments") and "files" in form.fields:
            return form, "files"
        return form, field if field in form.fields else None

    return resolve


@signed_in
@private
def challenge_new(request):
    """A new challenge: saved as a draft, or published at once ("Save and publish")."""
    if (refused := _methods(request)) is not None:
        return refused
    organisations = acting_organisations(request.user)
    if not organisations:
        return render(request, f"{T}cannot_post.html", status=403)
    refusal = Refusal()
    if request.method == "POST":
        form = ChallengeForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                challenge = services.create_challenge(
                    request.user,
                    form.service_data(),
                    owner=form.cleaned_data.get("owner") or None,
                    publish="publish" in request.POST,
                )
            except DomainError as error:
                refusal = Refusal(error, _resolve(form))
            else:
                messages.success(
                    request,
                    _("The challenge is published.")
                    if challenge.status == ChallengeStatus.OPEN
                    else _("The draft is saved."),
                )
                return redirect("exchange:challenge", challenge_id=challenge.pk)
    else:
        form = ChallengeForm(organisations=organisations, initial={"language": "ru"})
    return _form_page(request, form, refusal)


def _managed(request, challenge_id):
    """The challenge, for its owner's acting people; 404 for everyone else."""
    challenge = selectors.challenge_for(request.user, challenge_id)
    if not may_manage_challenge(request.user, challenge)[0]:
        raise Http404
    return challenge


def _initial(challenge) -> dict:
    data = {name: getattr(challenge, name) for name in services.FIELDS}
    data["version"] = challenge.version
    return data


@signed_in
@private
def challenge_edit(request, challenge_id):
    """The owner edits the challenge, against the version they loaded."""
    if (refused := _methods(request)) is not None:
        return refused
    challenge = _managed(request, challenge_id)
    refusal = Refusal()
    if request.method == "POST":
        form = ChallengeForm(request.POST)
        if form.is_valid():
            try:
                services.update_challenge(
                    challenge,
                    request.user,
                    form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
                if "publish" in request.POST and challenge.status == ChallengeStatus.DRAFT:
                    services.publish_challenge(challenge, request.user)
            except DomainError as error:
                refusal = Refusal(error, _resolve(form))
            else:
                messages.success(request, _("Saved."))
                return redirect("exchange:challenge", challenge_id=challenge.pk)
    else:
        form = ChallengeForm(initial=_initial(challenge))
    return _form_page(request, form, refusal, challenge)


@signed_in
@private
def challenge_publish(request, challenge_id):
    """Publish a draft; when something is missing, the edit page says what, at each field."""
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    challenge = _managed(request, challenge_id)
    try:
        services.publish_challenge(challenge, request.user)
    except DomainError as error:
        # The saved values, bound, so that each problem shows next to its field.
        data = {k: v for k, v in _initial(challenge).items() if v not in (None, [])}
        form = ChallengeForm(data=data)
        form.is_valid()
        return _form_page(request, form, Refusal(error, _resolve(form)), challenge)
    messages.success(request, _("The challenge is published."))
    return redirect("exchange:challenge", challenge_id=challenge.pk)


# --- The challenge's page ------------------------------------------------------------------


def _detail_context(request, challenge) -> dict:
    viewer = Viewer.of(request.user)
    visible = protected_text_visible_to(viewer, challenge)
    manager = may_manage_challenge(request.user, challenge)[0]
    is_owner = challenge.owner_id in viewer.org_ids
    context = {
        **teaser(challenge),
        "protected": {n: getattr(challenge, n) for n in PROTECTED_FIELDS} if visible else None,
        "protected_visible": visible,
        "nda_required": challenge.visibility == Visibility.NDA and not visible,
        "is_owner": is_owner,
        "manager": manager,
        "deadline_passed": workflows.deadline_passed(challenge),
    }
    if is_owner:
        counts = selectors.pipeline_counts(challenge)
        context["pipeline"] = [
            {
                "status": s.value,
                "label": selectors.solution_status_label(s),
                "count": counts[s.value],
            }
            for s in SolutionStatus
        ]
        context["matching_url"] = matching_url(challenge)
        context["any_accepted"] = counts[SolutionStatus.ACCEPTED] > 0
    if manager:
        context["moves"] = workflows.available(
            workflows.CHALLENGE_TRANSITIONS, request.user, challenge
        )
    responders = [o for o in acting_organisations(request.user) if o.pk != challenge.owner_id]
    owner_admitted = challenge.owner.status in ADMITTED_STATUSES
    context["may_respond"] = (
        bool(responders)
        and owner_admitted
        and challenge.status == ChallengeStatus.OPEN
        and not context["deadline_passed"]
    )
    context["owner_not_admitted"] = "" if owner_admitted else owner_not_admitted_reason()
    context["own_solutions"] = _labelled(
        challenge.solutions.filter(responder_id__in=viewer.org_ids) if viewer.org_ids else []
    )
    # Interest without a solution yet (a partner, an investor, a future pilot site).
    from .catalogue_services import CHALLENGE_OPEN_STATES
    from .catalogue_views import interest_context

    context["interest"] = interest_context(
        request, "challenge", challenge, open_to_interest=challenge.status in CHALLENGE_OPEN_STATES
    )
    return context


@private
def challenge_detail(request, challenge_id):
    """The teaser for whoever may see it; the protected part, or the NDA's call to action; the
    owner's pipeline summary, moves and the link to matching candidates."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    challenge = selectors.challenge_for(request.user, challenge_id)
    context = _detail_context(request, challenge)
    context["move_form"] = ChallengeMoveForm()
    return render(request, f"{T}detail.html", context)


@signed_in
@private
def challenge_move(request, challenge_id):
    """Evaluate, reopen (a new deadline), start piloting, close (an outcome and a note)."""
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    challenge = _managed(request, challenge_id)
    form = ChallengeMoveForm(request.POST)
    refusal = Refusal()
    if form.is_valid():
        try:
            services.move_challenge(
                challenge,
                form.cleaned_data["action"],
                request.user,
                deadline=form.cleaned_data.get("deadline"),
                outcome=form.cleaned_data.get("outcome") or "",
                note=form.cleaned_data.get("note") or "",
            )
        except DomainError as error:
            refusal = Refusal(error, _resolve(form))
        else:
            messages.success(
                request,
                _("The challenge is now “%(status)s”.")
                % {"status": selectors.challenge_status_label(challenge.status)},
            )
            return redirect("exchange:challenge", challenge_id=challenge.pk)
    decorate(form)
    context = _detail_context(request, challenge)
    context.update(
        move_form=form,
        refusal=refusal,
        errors=summary([form], refusal),
        failed_action=request.POST.get("action", ""),
    )
    return render(
        request, f"{T}detail.html", context, status=refusal.status if refusal.status != 200 else 422
    )


@signed_in
@private
def challenge_nda(request, challenge_id):
    """The NDA's text and "I accept on behalf of <organisation>"."""
    if (refused := _methods(request)) is not None:
        return refused
    challenge = selectors.challenge_for(request.user, challenge_id)
    if challenge.visibility != Visibility.NDA or challenge.status == ChallengeStatus.DRAFT:
        raise Http404
    organisations = [o for o in acting_organisations(request.user) if o.pk != challenge.owner_id]
    refusal = Refusal()
    form = NdaForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_nda(
                challenge,
                request.user,
                organisation=form.cleaned_data.get("organisation") or None,
                accept=bool(form.cleaned_data.get("accept")),
            )
        except DomainError as error:
            refusal = Refusal(error, _resolve(form))
        else:
            messages.success(request, _("The NDA is accepted: the details are open to you."))
            return redirect("exchange:challenge", challenge_id=challenge.pk)
    decorate(form)
    status = refusal.status
    return render(
        request,
        f"{T}nda.html",
        {
            **teaser(challenge),
            "form": form,
            "organisations": organisations,
            "accepted": protected_text_visible_to(request.user, challenge),
            "refusal": refusal,
            "errors": summary([form], refusal),
        },
        status=status,
    )


# --- The owner's pipeline ------------------------------------------------------------------


def _owned(request, challenge_id):
    """The challenge, for any of its owner's people; 404 for everyone else."""
    challenge = selectors.challenge_for(request.user, challenge_id)
    if challenge.owner_id not in organisation_ids(request.user):
        raise Http404
    return challenge


@signed_in
@private
def challenge_pipeline(request, challenge_id):
    """The challenge's solutions in columns by status."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    challenge = _owned(request, challenge_id)
    columns = selectors.pipeline(challenge)
    return render(
        request,
        f"{T}pipeline.html",
        {
            **teaser(challenge),
            "columns": [
                {
                    "status": s.value,
                    "label": selectors.solution_status_label(s),
                    "solutions": columns[s.value],
                }
                for s in SolutionStatus
            ],
        },
    )


@signed_in
@private
def pipeline_csv(request, challenge_id):
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    challenge = _owned(request, challenge_id)
    return exports.pipeline_response(challenge, request.user)


@private
def challenges_csv(request):
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    form = ChallengeFilterForm(request.GET or None)
    challenges = selectors.listed_challenges(request.user, **form.filters())
    return exports.challenges_response(challenges, request.user)


# --- Answering -----------------------------------------------------------------------------


@signed_in
@private
def challenge_respond(request, challenge_id):
    """Submit a solution (under NDA, once the NDA is accepted)."""
    if (refused := _methods(request)) is not None:
        return refused
    challenge = selectors.challenge_for(request.user, challenge_id)
    organisations = [o for o in acting_organisations(request.user) if o.pk != challenge.owner_id]
    refusal = Refusal()
    if request.method == "POST":
        form = SolutionForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            uploads = request.FILES.getlist("files")
            try:
                solution = services.submit_solution(
                    challenge,
                    request.user,
                    description=form.cleaned_data["description"],
                    trl=form.cleaned_data["trl"],
                    references=form.cleaned_data.get("references", ""),
                    price_indication=form.cleaned_data.get("price_indication", ""),
                    files=read_files(uploads, services.MAX_ATTACHMENT_BYTES),
                    responder=form.cleaned_data.get("responder") or None,
                )
            except DomainError as error:
                refusal = Refusal(error, _resolve(form))
            else:
                messages.success(request, _("Your solution is sent to the challenge's owner."))
                return redirect("exchange:solution", solution_id=solution.pk)
    else:
        form = SolutionForm(organisations=organisations)
    decorate(form)
    status = refusal.status
    if status == 200 and form.is_bound and form.errors:
        status = 422
    return render(
        request,
        f"{S}respond.html",
        {
            **teaser(challenge),
            "form": form,
            "organisations": organisations,
            "protected_visible": protected_text_visible_to(request.user, challenge),
            "taking": challenge.status == ChallengeStatus.OPEN
            and not workflows.deadline_passed(challenge),
            "refusal": refusal,
            "errors": summary([form], refusal),
        },
        status=status,
    )


# --- A solution ----------------------------------------------------------------------------


def _solution_context(request, solution) -> dict:
    challenge = solution.challenge
    side = selectors.side_of(request.user, solution)
    is_owner = side is not None and side.pk == challenge.owner_id
    context = {
        "solution": solution,
        "challenge": challenge,
        "status_label": selectors.solution_status_label(solution.status),
        "is_owner": is_owner,
        "protected_visible": protected_text_visible_to(request.user, challenge),
        "protected": {n: getattr(challenge, n) for n in PROTECTED_FIELDS}
        if protected_text_visible_to(request.user, challenge)
        else None,
        "attachments": list(solution.attachments.all()),
        "messages_list": list(solution.messages.select_related("author_organisation")),
        "message_form": MessageForm(),
        "message_refusal": may_post_message(request.user, solution)[1],
        "move_form": SolutionMoveForm(),
        "moves": workflows.available(workflows.SOLUTION_TRANSITIONS, request.user, solution),
        "may_withdraw": may_withdraw_solution(request.user, solution)[0],
        "files_form": MoreFilesForm(),
        "challenge_moves": [],
    }
    if is_owner and solution.status == SolutionStatus.ACCEPTED:
        # Accepting does not close the challenge: offer the owner the next step.
        context["challenge_moves"] = [
            t
            for t in workflows.available(workflows.CHALLENGE_TRANSITIONS, request.user, challenge)
            if t.action in ("start_pilot", "close", "evaluate")
        ]
    return context


@signed_in
@private
def solution_detail(request, solution_id):
    """A solution: its details, files, messages; the owner's moves, the responder's withdraw."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    solution = selectors.solution_for(request.user, solution_id)
    return render(request, f"{S}detail.html", _solution_context(request, solution))


def _solution_refused(request, solution, error, form, key):
    refusal = Refusal(error, _resolve(form))
    decorate(form)
    context = _solution_context(request, solution)
    context.update({key: form, "refusal": refusal, "errors": summary([form], refusal)})
    return render(request, f"{S}detail.html", context, status=refusal.status)


@signed_in
@private
def solution_move(request, solution_id):
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    solution = selectors.solution_for(request.user, solution_id)
    form = SolutionMoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.move_solution(
            solution,
            form.cleaned_data["action"],
            request.user,
            feedback=form.cleaned_data.get("feedback") or "",
        )
    except DomainError as error:
        return _solution_refused(request, solution, error, form, "move_form")
    messages.success(
        request,
        _("The solution is now “%(status)s”.")
        % {"status": selectors.solution_status_label(solution.status)},
    )
    return redirect("exchange:solution", solution_id=solution.pk)


@signed_in
@private
def solution_withdraw(request, solution_id):
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    solution = selectors.solution_for(request.user, solution_id)
    try:
        services.withdraw_solution(solution, request.user)
    except DomainError as error:
        return _solution_refused(request, solution, error, SolutionMoveForm(), "move_form")
    messages.success(request, _("Your solution is withdrawn."))
    return redirect("exchange:solution", solution_id=solution.pk)


@signed_in
@private
def solution_files(request, solution_id):
    """The responder adds files to a solution the owner has not decided on yet."""
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    solution = selectors.solution_for(request.user, solution_id)
    form = MoreFilesForm(request.POST, request.FILES)
    try:
        uploads = form.files.getlist("files")
        services.add_attachments(
            solution, read_files(uploads, services.MAX_ATTACHMENT_BYTES), request.user
        )
    except NotFound:
        raise Http404 from None  # the owner's side may read the solution, not add to it
    except DomainError as error:
        form.is_valid()
        return _solution_refused(request, solution, error, form, "files_form")
    messages.success(request, _("The files are attached."))
    return redirect(f"{reverse('exchange:solution', args=[solution.pk])}#files-heading")


@signed_in
@private
def solution_message(request, solution_id):
    if (refused := _methods(request, ("POST",))) is not None:
        return refused
    solution = selectors.solution_for(request.user, solution_id)
    form = MessageForm(request.POST)
    try:
        services.post_message(solution, request.user, request.POST.get("body", ""))
    except DomainError as error:
        form.is_valid()
        return _solution_refused(request, solution, error, form, "message_form")
    messages.success(request, _("Your message is sent."))
    return redirect(f"{reverse('exchange:solution', args=[solution.pk])}#messages")


@signed_in
@private
def solution_file(request, solution_id, attachment_id):
    """An attachment's bytes, for either side of the solution."""
    if (refused := _methods(request, ("GET", "HEAD"))) is not None:
        return refused
    from innocluster.documents import storage

    solution = selectors.solution_for(request.user, solution_id)
    attachment = solution.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = HttpResponse(storage.get(attachment.sha256), content_type=attachment.media_type)
    response["Content-Disposition"] = exports.attachment_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
