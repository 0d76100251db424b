"""Navigator pages: the questionnaire (step by step, or one form), the results with their reasons,
saved and shared results, the catalogue's pages, subscriptions and alerts, and the operators'
rule editor.

Thin, as everywhere: parse with a form, call the core (``evaluate``) or one service, render.
The answers live in the address (GET forms carrying the earlier answers as hidden inputs), so
the questionnaire works without script, the back button works and any result is a bookmark.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innocluster.core.errors import NotPermitted, ValidationFailed
from innocluster.portal.forms import add_domain_error

from . import selectors, services
from .choices import Verdict
from .evaluation import evaluate, other_help
from .fields import FIELDS, NEED_NAMES, PROFILE_NAMES, check_answers
from .filters import MeasureFilter, ResultFilter
from .forms import (
    AlertReadForm,
    AnswersForm,
    MeasureFilterForm,
    OrganisationChoiceForm,
    ResultFilterForm,
    RuleEditForm,
    has_answers,
    query_pairs,
)
from .models import Institution, Measure, SavedResult
from .profile import profile_for_organisation
from .reasons import field_label
from .samples import samples

TEMPLATES = "navigator/"
PAGE_SIZE = 50
GROUP_LIMIT = 100  # measures shown per verdict on the results page; filters narrow the rest


def lang() -> str:
    return "en" if (get_language() or "ru").startswith("en") else "ru"


def personal(view):
    """Pages that depend on who asks are never cached by a browser or a proxy."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return wrapper


def staff_only(view):
    """The operators' pages: anyone else gets 404 (no existence leak)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_fund_staff):
            raise Http404
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def _page(request, template: str, context: dict, status: int = 200):
    """Render with what every navigator page shows: its own menu and the unread alerts."""
    user = request.user
    context = {
        "unread_alerts": selectors.unread_alert_count(user),
        "is_operator": user.is_authenticated and user.is_fund_staff,
        "nav_section": context.get("nav_section", ""),
        **context,
    }
    return render(request, TEMPLATES + template, context, status=status)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- the answers as the pages show them --------------------------------------------------------


def _answered_rows(form: AnswersForm, pairs: list[tuple[str, str]], registry: dict) -> list[dict]:
    """Each answer (and skipped question) with its "change" link."""
    values = form.answers.values
    rows = []
    for name, spec in FIELDS.items():
        value = values.get(name)
        skipped = name in form.skipped
        if value is None and not skipped:
            continue
        change = [p for p in pairs if p != ("skip", name)] + [("ask", name)]
        rows.append(
            {
                "name": name,
                "label": capfirst(field_label(name, lang())),
                "value": selectors.show_answer(spec, value) if value is not None else "",
                "skipped": skipped and value is None,
                "derived": name in form.answers.derived,
                "from_registry": value is not None and registry.get(name) == value,
                "change_url": "?" + urlencode(change),
            }
        )
    return rows


def _typed(answers, names) -> dict:
    """The answers for a service, typed (Decimal, date, tuple), which every check accepts."""
    return {
        name: value
        for name, value in answers.values.items()
        if name in names and value is not None and name not in answers.derived
    }


def _registry_values(org) -> dict:
    """The registry's answers for ``org``, normalised like the form's (to mark which answers
    still are the registry's); empty without an organisation."""
    if org is None:
        return {}
    try:
        answers = check_answers(profile_for_organisation(org), lenient=True)
    except ValidationFailed:
        return {}
    return {k: v for k, v in answers.values.items() if v is not None and k not in answers.derived}


def _registry_org(request):
    """The organisation whose registry profile filled the answers in (``org``), if the user
    holds a role in it."""
    return selectors.organisation_for_profile(request.user, request.GET.get("org"))


def _subscribe_context(request, answers=None) -> dict:
    """The subscription box: the organisations the user may subscribe, and which already are."""
    organisations = selectors.user_organisations(request.user, managing=True)
    if not organisations:
        return {"subscribe_orgs": []}
    subscribed = selectors.subscriptions_of(organisations)
    answer_pairs = []
    if answers is not None:
        answer_pairs = [p for p in query_pairs(answers) if p[0] in PROFILE_NAMES]
    return {
        "subscribe_orgs": [
            {"organisation": o, "subscription": subscribed.get(o.pk)} for o in organisations
        ],
        "subscribe_pairs": answer_pairs,
        "subscribe_next": request.get_full_path(),
    }


# --- the questionnaire -------------------------------------------------------------------------


@require_safe
@personal
def start(request):
    """The questionnaire: the intro, then one question at a time (the next question the
    evaluation asks for, leaving out skipped ones), with the answers so far and a running
    count. Done when nothing is left to ask, or the user asks for the results."""
    if request.GET.get("prefill"):
        return _prefill(request)
    organisations = selectors.user_organisations(request.user)
    if not has_answers(request.GET):
        intro = AnswersForm()
        return _page(
            request,
            "start.html",
            {
                "nav_section": "start",
                "organisations": organisations,
                "purposes": intro["purposes"],
            },
        )
    form = AnswersForm(request.GET)
    form.is_valid()
    evaluation = evaluate(form.answers)
    org = _registry_org(request)
    extra = [("org", str(org.pk))] if org else []
    status = 200
    asked = request.GET.get("ask", "")
    if form.error_fields:
        ask, status = form.error_fields[0], 400
    elif asked in FIELDS:
        ask = asked
    else:
        ask = selectors.next_unskipped(evaluation, form.skipped)
    pairs = form.pairs() + extra
    if not form.error_fields and (ask is None or "results" in request.GET):
        return redirect(reverse("navigator:results") + "?" + urlencode(pairs))
    registry = _registry_values(org)
    hidden = [("started", "1"), ("step", ask), *form.pairs(exclude=(ask,)), *extra]
    tally = evaluation.counts
    return _page(
        request,
        "step.html",
        {
            "nav_section": "start",
            "form": form,
            "field": form[ask],
            "ask": ask,
            "spec": FIELDS[ask],
            "step_errors": form.errors.get(ask, []),
            "other_errors": [
                (f"{FIELDS[name].group}.{name}", capfirst(field_label(name, lang())), error)
                for name in form.error_fields
                if name != ask
                for error in form.errors[name]
            ],
            "non_field_errors": form.non_field_errors(),
            "hidden": hidden,
            "answered": _answered_rows(form, pairs, registry),
            "tally": tally,
            "results_url": reverse("navigator:results") + "?" + urlencode(pairs),
            "organisation": org,
            "okved_codes": _okved_codes() if FIELDS[ask].kind in ("okved", "okveds") else (),
        },
        status=status,
    )


def _prefill(request):
    """Start from the registry profile of one of the user's organisations: its answers go into
    the address (so they are listed, editable and bookmarked like any other)."""
    org = selectors.organisation_for_profile(request.user, request.GET.get("prefill"))
    if org is None:
        raise Http404
    registry = dict(profile_for_organisation(org))
    data = QueryDict(mutable=True)
    for name, value in registry.items():
        spec = FIELDS[name]
        if spec.kind == "bool":
            data[name] = "yes" if value else "no"
        elif isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    for key in request.GET:  # the user's own answers win over the registry's
        if key in FIELDS:
            data.setlist(key, request.GET.getlist(key))
    form = AnswersForm(data)
    form.is_valid()  # a registry value the contract refuses is left out, and asked
    pairs = [("started", "1"), *form.pairs(), ("org", str(org.pk))]
    return redirect(reverse("navigator:start") + "?" + urlencode(pairs))


def _okved_codes():
    from innocluster.registry.models import OkvedCode

    return OkvedCode.objects.exclude(code__regex=r"^[A-Z]$").order_by("code")


def _form_page(request, form: AnswersForm, status: int = 200):
    return _page(
        request,
        "form.html",
        {
            "nav_section": "form",
            "form": form,
            "okved_codes": _okved_codes(),
            "profile_names": PROFILE_NAMES,
            "need_names": NEED_NAMES,
        },
        status=status,
    )


@require_safe
@personal
def single_form(request):
    """Every question on one page (works without script); it submits to the results."""
    form = AnswersForm(request.GET or None, single=True)
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    return _form_page(request, form, status)


# --- results -----------------------------------------------------------------------------------


def _results_context(request, form: AnswersForm, *, saved: SavedResult | None = None) -> dict:
    evaluation = evaluate(form.answers)
    providers = Institution.objects.filter(
        pk__in={r.entry.measure.provider_id for r in evaluation.results}
    )
    filter_form = ResultFilterForm(request.GET, providers=providers)
    chosen = filter_form.cleaned_data if filter_form.is_valid() else {}
    result_filter = ResultFilter(
        chosen.get("f_form", ""), chosen.get("f_provider", ""), chosen.get("f_purpose", "")
    )
    shown = result_filter.apply(evaluation.results)
    groups = {verdict: [r for r in shown if r.verdict == verdict] for verdict in Verdict.values}
    rows = {
        verdict: selectors.result_rows(found[:GROUP_LIMIT], form.answers, lang())
        for verdict, found in groups.items()
    }
    pairs = form.pairs()
    registry: dict = {}
    if not saved:
        org = _registry_org(request)
        if org:
            pairs.append(("org", str(org.pk)))
            registry = _registry_values(org)
    questionnaire = reverse("navigator:start") + "?" + urlencode([("started", "1"), *pairs])
    context = {
        "nav_section": "results",
        "form": form,
        "filter_form": filter_form,
        "filtered": result_filter.active,
        "eligible": rows[Verdict.ELIGIBLE],
        "maybe": rows[Verdict.UNKNOWN],
        "ineligible": rows[Verdict.INELIGIBLE],
        "counts": {verdict: len(found) for verdict, found in groups.items()},
        "more": {verdict: max(0, len(found) - GROUP_LIMIT) for verdict, found in groups.items()},
        "tally": evaluation.counts,
        "shown_count": len(shown),
        "nothing_eligible": not evaluation.eligible,
        "closest": selectors.result_rows(evaluation.closest, form.answers, lang())
        if not evaluation.eligible
        else [],
        "other_help": other_help(lang()) if not evaluation.eligible else [],
        "answered": _answered_rows(form, pairs, registry),
        "pairs": pairs,
        "answer_pairs": [p for p in pairs if p[0] != "org"],
        "answers_query": urlencode([p for p in pairs if p[0] != "org"]),
        "questionnaire_url": questionnaire,
        "ask_base": questionnaire,
        "next_question": selectors.next_unskipped(evaluation, form.skipped),
        "saved": saved,
        "evaluated_on": evaluation.today,
        **_subscribe_context(request, form.answers),
    }
    if saved:
        context["share_url"] = request.build_absolute_uri(
            reverse("navigator:saved", args=[saved.pk])
        )
    return context


@require_safe
@personal
def results(request):
    """The results: eligible first, then maybe, then not eligible, each with its reasons;
    filters by form, provider and purpose; print, save and share. Invalid answers re-show the
    single form with the error next to the field."""
    if any(v == "" for _key, values in request.GET.lists() for v in values):
        # The single form sends every field; its empty ones are left out of the address.
        kept = [(k, v) for k, values in request.GET.lists() for v in values if v != ""]
        return redirect(reverse("navigator:results") + "?" + urlencode(kept))
    form = AnswersForm(request.GET, single=True)
    if not form.is_valid():
        return _form_page(request, form, 400)
    return _page(request, "results.html", _results_context(request, form))


@require_POST
def save(request):
    """Save the answers (``services.save_result``) and go to their permanent address."""
    form = AnswersForm(request.POST, single=True)
    if not form.is_valid():
        return _form_page(request, form, 400)
    try:
        saved = services.save_result(
            _typed(form.answers, PROFILE_NAMES),
            _typed(form.answers, NEED_NAMES),
            owner=request.user,
        )
    except ValidationFailed as failure:
        add_domain_error(form, failure, {e.field: e.field.split(".")[-1] for e in failure.errors})
        return _form_page(request, form, 400)
    messages.success(request, _("The result is saved. Its address below opens it again."))
    return redirect("navigator:saved", saved.pk)


@require_safe
@personal
def saved_result(request, result_id):
    """A saved result, evaluated again against today's catalogue (the answers are kept, not
    the verdicts)."""
    saved = get_object_or_404(SavedResult, pk=result_id)
    data = QueryDict(mutable=True)
    data.update(request.GET)
    for key in list(data):
        if key in FIELDS or key == "skip":
            del data[key]
    stored = check_answers(saved.profile, saved.need, lenient=True)
    for name, value in query_pairs(stored):
        data.appendlist(name, value)
    form = AnswersForm(data, single=True)
    form.is_valid()
    return _page(request, "results.html", _results_context(request, form, saved=saved))


# --- the catalogue -----------------------------------------------------------------------------


def _providers():
    return Institution.objects.filter(measures__isnull=False).distinct().order_by("name_ru")


@require_safe
@personal
def measure_list(request):
    """The catalogue: every measure, with filters by form, provider, purpose and status and a
    search over names."""
    from django.core.paginator import Paginator

    form = MeasureFilterForm(request.GET, providers=_providers())
    status = 200
    if form.is_valid():
        found = MeasureFilter.from_params(form.cleaned_data).apply(
            Measure.objects.select_related("provider").order_by("name_ru", "code")
        )
    else:
        found, status = [], 400
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"measure": m, "words": selectors.measure_words(m), "terms": selectors.terms_summary(m)}
        for m in page.object_list
    ]
    return _page(
        request,
        "measures.html",
        {"nav_section": "measures", "form": form, "page": page, "rows": rows, "count": len(found)},
        status=status,
    )


@require_safe
@personal
def measure_detail(request, code):
    """Every term of one measure, and its eligibility criteria in words."""
    measure = get_object_or_404(Measure.objects.select_related("provider"), code=code)
    criteria, rule_error = selectors.criteria_in_words(measure, lang())
    yours, answers_query = None, ""
    if has_answers(request.GET):  # from the results: the verdict for those answers too
        form = AnswersForm(request.GET)
        if form.is_valid():
            yours = selectors.result_row_for(measure, form.answers, lang())
            answers_query = urlencode(form.pairs())
    return _page(
        request,
        "measure.html",
        {
            "nav_section": "measures",
            "yours": yours,
            "answers_query": answers_query,
            "measure": measure,
            "words": selectors.measure_words(measure),
            "facts": selectors.measure_facts(measure),
            "criteria": criteria,
            "rule_tree": selectors.rule_tree(measure, criteria) if criteria else None,
            "rule_error": rule_error,
            **_subscribe_context(request),
        },
    )


# --- subscriptions and alerts ------------------------------------------------------------------


def _managed_organisation(request):
    """The organisation of a subscription form: one the user holds a role in, or 404."""
    org_id = request.POST.get("organisation", "")
    for organisation in selectors.user_organisations(request.user):
        if str(organisation.pk) == org_id:
            return organisation
    raise Http404


@require_POST
def subscribe(request):
    """Subscribe one of the user's organisations to notices (``services.subscribe``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("navigator:start"))
    organisation = _managed_organisation(request)
    form = AnswersForm(request.POST)
    form.is_valid()
    try:
        services.subscribe(
            organisation, actor=request.user, answers=_typed(form.answers, PROFILE_NAMES)
        )
    except NotPermitted as refusal:
        messages.error(request, str(refusal.message))
        return redirect(_safe_next(request, reverse("navigator:alerts")))
    except ValidationFailed as failure:
        messages.error(request, str(failure))
        return redirect(_safe_next(request, reverse("navigator:alerts")))
    messages.success(
        request,
        _("%(org)s will be told when a new or changed measure becomes eligible for it.")
        % {"org": organisation.name},
    )
    return redirect(_safe_next(request, reverse("navigator:alerts")))


@require_POST
def unsubscribe(request):
    """Stop the notices of one of the user's organisations (``services.unsubscribe``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("navigator:start"))
    organisation = _managed_organisation(request)
    try:
        services.unsubscribe(organisation, actor=request.user)
    except NotPermitted as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Notices for %(org)s are switched off.") % {"org": organisation.name}
        )
    return redirect(_safe_next(request, reverse("navigator:alerts")))


@require_http_methods(["GET", "HEAD", "POST"])
def alerts(request):
    """The alerts of one of the user's organisations: measures that became eligible for it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisations = selectors.user_organisations(request.user)
    if request.method == "POST":
        form = AlertReadForm(request.POST)
        if not form.is_valid():
            raise Http404
        chosen = {str(o.pk): o for o in organisations}.get(str(form.cleaned_data["organisation"]))
        if chosen is None:
            raise Http404
        one = form.cleaned_data.get("alert")
        marked = services.mark_alerts_read(
            chosen, actor=request.user, alert_ids=[one] if one else None
        )
        messages.success(
            request,
            _("Marked as read: %(n)d.") % {"n": marked},
        )
        return redirect(reverse("navigator:alerts") + "?" + urlencode({"organisation": chosen.pk}))
    chooser = OrganisationChoiceForm(request.GET or None, organisations=organisations)
    organisation = None
    if organisations:
        organisation = chooser.chosen if request.GET and chooser.is_valid() else organisations[0]
    rows = list(selectors.alerts_of(organisation)) if organisation else []
    subscription = (
        selectors.subscriptions_of([organisation]).get(organisation.pk) if organisation else None
    )
    response = _page(
        request,
        "alerts.html",
        {
            "nav_section": "alerts",
            "organisations": organisations,
            "chooser": chooser,
            "organisation": organisation,
            "alerts": rows,
            "unread_here": sum(1 for a in rows if a.read_at is None),
            "subscription": subscription,
            "may_subscribe": organisation is not None
            and organisation in selectors.user_organisations(request.user, managing=True),
            "subscribe_next": request.get_full_path(),
        },
    )
    add_never_cache_headers(response)
    return response


# --- operators ---------------------------------------------------------------------------------


@require_safe
@staff_only
def manage(request):
    """The operators' list of measures, with their rule versions."""
    measures = list(Measure.objects.select_related("provider").order_by("code"))
    rows = [{"measure": m, "words": selectors.measure_words(m)} for m in measures]
    return _page(request, "manage.html", {"nav_section": "manage", "rows": rows})


def _cases(form: RuleEditForm) -> list[tuple]:
    cases = [(s.code, s.label, s.profile, s.need) for s in samples()]
    custom = form.parsed_custom()
    if custom is not None:
        cases.append(("custom", _("Your own profile"), custom[0], custom[1]))
    return cases


def _published_verdicts(measure, cases) -> list[dict]:
    try:
        return selectors.try_rule(measure, measure.rules, cases, lang())
    except ValidationFailed:  # a stored rule that no longer compiles: nothing to compare
        return [{} for _case in cases]


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only
def manage_rules(request, code):
    """Edit a measure's rule: test it on sample profiles (without publishing), publish it with
    a comment, see every version and what changed."""
    measure = get_object_or_404(Measure.objects.select_related("provider"), code=code)
    tests = None
    status = 200
    if request.method == "POST":
        form = RuleEditForm(request.POST)
        action = request.POST.get("action")
        if not form.is_valid():
            # A field the form refuses (a comment too long, a NUL character) is missing from
            # cleaned_data: its error is shown, and nothing is tried or published.
            status = 400
        else:
            try:
                rules = form.parsed_rules()
                if action == "publish":
                    version = services.publish_rules(
                        measure, rules, actor=request.user, comment=form.cleaned_data["comment"]
                    )
                    messages.success(
                        request, _("Version %(n)d is published.") % {"n": version.number}
                    )
                    return redirect("navigator:manage_rules", measure.code)
                cases = _cases(form)
                tests = selectors.try_rule(measure, rules, cases, lang())
                selectors.compare_with(tests, _published_verdicts(measure, cases))
            except ValidationFailed as failure:
                status = 400
                for error in failure.errors:
                    target = "custom" if error.field.startswith("custom") else "rules"
                    form.add_error(target, f"{error.field}: {error.message}")
            except NotPermitted as refusal:
                raise Http404 from refusal
        if request.headers.get("X-Navigator-Partial") == "test":
            return render(
                request,
                TEMPLATES + "_rule_tests.html",
                {"form": form, "tests": tests},
                status=status,
            )
    else:
        form = RuleEditForm(initial={"rules": selectors.pretty(measure.rules)})
    return _page(
        request,
        "manage_rules.html",
        {
            "nav_section": "manage",
            "measure": measure,
            "form": form,
            "tests": tests,
            "samples": [
                (s, selectors.pretty({"profile": s.profile, "need": s.need})) for s in samples()
            ],
            "history": selectors.rule_history(measure),
        },
        status=status,
    )
