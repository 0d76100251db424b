"""Reads of the navigator's pages, scoped to what the user may see: the user's organisations,
alerts and subscriptions; results and measures as the pages show them (reasons, terms in
words); the rule history with its diffs; trying an edited rule on sample profiles."""

from __future__ import annotations

import copy
import difflib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innocluster.core.errors import ValidationFailed
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import Organisation, OrganisationRole

from .choices import MeasureForm, MeasureStatus, Purpose, Stage, Verdict
from .evaluation import Catalogue, evaluate, measure_requirements
from .fields import FIELDS, Answers, check_answers
from .models import Alert, Measure, RuleVersion, Subscription
from .reasons import field_label, fit_parts, reasons, requirement, show
from .rules import compile_rule

MANAGING_ROLES = (OrgRole.OWNER, OrgRole.EDITOR, OrgRole.SIGNATORY)


# --- the user's organisations ------------------------------------------------------------------


def user_organisations(user, *, managing: bool = False) -> list[Organisation]:
    """The organisations ``user`` holds a role in (owner, editor or signatory when
    ``managing``), by name, each once."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = OrganisationRole.objects.filter(user=user)
    if managing:
        roles = roles.filter(role__in=MANAGING_ROLES)
    ids = roles.values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name_ru", "id"))


def organisation_for_profile(user, organisation_id) -> Organisation | None:
    """One of the user's organisations, with what ``profile_for_organisation`` reads."""
    if not getattr(user, "is_authenticated", False) or not organisation_id:
        return None
    try:
        return (
            Organisation.objects.filter(pk=organisation_id, roles__user=user)
            .prefetch_related("okved_extra", "revenues", "priority_areas")
            .distinct()
            .first()
        )
    except (ValueError, TypeError, ValidationError):  # a malformed id is simply not theirs
        return None


def unread_alert_count(user) -> int:
    """Unread alerts of every organisation the user holds a role in."""
    if not getattr(user, "is_authenticated", False):
        return 0
    ids = OrganisationRole.objects.filter(user=user).values("organisation_id")
    return Alert.objects.filter(subscription__organisation_id__in=ids, read_at__isnull=True).count()


def subscriptions_of(organisations) -> dict:
    """Active subscriptions by organisation id."""
    return {
        s.organisation_id: s
        for s in Subscription.objects.filter(organisation__in=organisations, active=True)
    }


def alerts_of(organisation):
    return (
        Alert.objects.filter(subscription__organisation=organisation)
        .select_related("measure", "measure__provider")
        .order_by("-created_at")
    )


# --- evaluation as the pages show it -----------------------------------------------------------


def next_unskipped(evaluation, skipped) -> str | None:
    """The evaluation's next question, leaving out the ones the user chose to skip (the core's
    ``next_question`` over the results with the skipped fields taken out of ``missing``)."""
    return evaluation.next_question_without(skipped or ())


def _rub(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return _("%(amount)s RUB") % {
        "amount": formats.number_format(value, use_l10n=True, force_grouping=True)
    }


def _percent(value) -> str:
    value = Decimal(value).normalize()
    return f"{formats.number_format(value, use_l10n=True)}%"


def terms_summary(measure: Measure) -> list[str]:
    """The money terms in a few words: amounts, share of costs, rate and term, co-financing."""
    parts = []
    low, high = measure.amount_min_rub, measure.amount_max_rub
    if low is not None and high is not None:
        parts.append(_("from %(low)s to %(high)s") % {"low": _rub(low), "high": _rub(high)})
    elif high is not None:
        parts.append(_("up to %(amount)s") % {"amount": _rub(high)})
    elif low is not None:
        parts.append(_("from %(amount)s") % {"amount": _rub(low)})
    if measure.cost_share_max is not None:
        parts.append(
            _("up to %(share)s of costs") % {"share": _percent(measure.cost_share_max * 100)}
        )
    rate_low, rate_high = measure.rate_percent_min, measure.rate_percent_max
    if rate_low is not None and rate_high is not None and rate_low != rate_high:
        parts.append(
            _("rate %(low)s–%(high)s a year")
            % {"low": _percent(rate_low), "high": _percent(rate_high)}
        )
    elif rate_low is not None or rate_high is not None:
        parts.append(_("rate %(rate)s a year") % {"rate": _percent(rate_low or rate_high)})
    if measure.term_months:
        parts.append(
            ngettext("term %(n)d month", "term %(n)d months", measure.term_months)
            % {"n": measure.term_months}
        )
    if measure.cofinancing_min_share is not None:
        parts.append(
            _("co-financing from %(share)s")
            % {"share": _percent(measure.cofinancing_min_share * 100)}
        )
    return parts


def measure_facts(measure: Measure) -> dict:
    """The single terms of the measure page, in words ("" where the source states none)."""
    low, high = measure.rate_percent_min, measure.rate_percent_max
    if low is not None and high is not None and low != high:
        rate = _("%(low)s–%(high)s a year") % {"low": _percent(low), "high": _percent(high)}
    elif low is not None or high is not None:
        rate = _("%(rate)s a year") % {"rate": _percent(low if low is not None else high)}
    else:
        rate = ""
    amount = ""
    if measure.amount_min_rub is not None or measure.amount_max_rub is not None:
        amount = terms_summary(measure)[0]
    return {
        "amount": amount,
        "cost_share": ""
        if measure.cost_share_max is None
        else _("up to %(share)s of costs") % {"share": _percent(measure.cost_share_max * 100)},
        "rate": rate,
        "term": ""
        if not measure.term_months
        else ngettext("%(n)d month", "%(n)d months", measure.term_months)
        % {"n": measure.term_months},
        "cofinancing": ""
        if measure.cofinancing_min_share is None
        else _percent(measure.cofinancing_min_share * 100),
        "min_budget": ""
        if measure.min_project_budget_rub is None
        else _rub(measure.min_project_budget_rub),
    }


def labels(choices, codes) -> list[str]:
    known = dict(choices)
    return [str(known.get(code, code)) for code in codes or ()]


AREA_LABELS = dict(FIELDS["priority_areas"].choices)


def measure_words(measure: Measure) -> dict:
    """A measure's vocabularies in the active language."""
    return {
        "form": str(dict(MeasureForm.choices).get(measure.form, measure.form)),
        "purposes": labels(Purpose.choices, measure.purposes),
        "areas": [str(AREA_LABELS.get(a, a)) for a in measure.priority_areas or ()],
        "stages": labels(Stage.choices, measure.stages),
        "status": str(dict(MeasureStatus.choices).get(measure.status, measure.status)),
    }


def result_rows(results, answers: Answers, lang: str) -> list[dict]:
    """Each result with what its card shows: reasons, fit, what is missing, the terms."""
    rows = []
    for result in results:
        measure = result.entry.measure
        rows.append(
            {
                "result": result,
                "measure": measure,
                "verdict_label": str(dict(Verdict.choices)[result.verdict]),
                "reasons": reasons(result, answers.values, lang),
                "fit": fit_parts(result, lang),
                "missing": [(name, field_label(name, lang)) for name in result.missing],
                "terms": terms_summary(measure),
                "words": measure_words(measure),
            }
        )
    return rows


def result_row_for(measure: Measure, answers: Answers, lang: str) -> dict | None:
    """One measure's result for ``answers`` as the results page shows it (None when the
    measure is no longer relevant: closed, or past its closing date)."""
    if measure.status == MeasureStatus.CLOSED:
        return None
    try:
        catalogue = Catalogue.of([measure])
    except ValidationFailed:
        return None
    evaluation = evaluate(answers, catalogue=catalogue)
    rows = result_rows(evaluation.results, answers, lang)
    return rows[0] if rows else None


def criteria_in_words(measure: Measure, lang: str) -> tuple[list[dict], str]:
    """The measure's eligibility criteria (its rule and its own requirements) in words, and an
    error text if the stored rule does not compile (it never should)."""
    try:
        compiled = compile_rule(measure.rules, measure_requirements(measure))
    except ValidationFailed as failure:
        return [], str(failure)
    out = []
    for criterion in compiled.criteria:
        if criterion.label:
            title = criterion.label.get(lang) or criterion.label.get("ru", "")
        elif criterion.spec is not None:
            title = field_label(criterion.field, lang)
            title = title[:1].upper() + title[1:]
        else:
            title = _("Criterion")
        out.append(
            {
                "kind": "leaf",
                "criterion": title,
                "required": requirement(criterion, lang),
                "op": criterion.op,
                "group": criterion.group,
            }
        )
    return out, ""


def rule_tree(measure: Measure, criteria: list[dict]) -> dict | None:
    """The rule as the measure page shows it: groups (all / any / not) holding the criteria in
    words (``criteria_in_words``, in the parser's order), an ``all`` inside an ``all`` merged."""
    leaves = iter(criteria)

    def walk(node) -> dict:
        if isinstance(node, dict) and len(node) == 1:
            key = next(iter(node))
            if key in ("all", "any"):
                children = []
                for part in node[key]:
                    child = walk(part)
                    if key == "all" and child["kind"] == "all":
                        children.extend(child["children"])
                    else:
                        children.append(child)
                return {"kind": key, "children": children}
            if key == "not":
                return {"kind": "not", "children": [walk(node["not"])]}
        return next(leaves)

    parts = ([measure.rules] if measure.rules else []) + measure_requirements(measure)
    if not parts or not criteria:
        return None
    try:
        tree = walk({"all": parts})
    except StopIteration:  # the words and the rule disagree: show the flat list instead
        return None
    if len(tree["children"]) == 1 and tree["children"][0]["kind"] != "leaf":
        return tree["children"][0]  # "all of: (at least one of: ...)" reads as the inner group
    return tree


# --- operators ---------------------------------------------------------------------------------


def _ordered(node):
    """A rule with its keys in reading order: the field, then the operator or group, then the
    label (PostgreSQL's jsonb keeps no order, so the text and its diffs would otherwise vary)."""
    if isinstance(node, list):
        return [_ordered(item) for item in node]
    if not isinstance(node, dict):
        return node
    first = [k for k in ("field",) if k in node]
    last = [k for k in ("label",) if k in node]
    middle = sorted(k for k in node if k not in first and k not in last)
    return {k: _ordered(node[k]) for k in (*first, *middle, *last)}


def pretty(rules) -> str:
    return json.dumps(_ordered(rules), ensure_ascii=False, indent=2)


def rule_history(measure: Measure) -> list[dict]:
    """Every published version, newest first, each with its diff against the one before."""
    versions = list(
        RuleVersion.objects.filter(measure=measure).select_related("author").order_by("number")
    )
    rows = []
    previous = None
    for version in versions:
        before = pretty(previous.rules).splitlines() if previous else []
        after = pretty(version.rules).splitlines()
        diff = list(
            difflib.unified_diff(
                before,
                after,
                fromfile=f"v{previous.number}" if previous else "—",
                tofile=f"v{version.number}",
                lineterm="",
            )
        )
        rows.append({"version": version, "diff": diff})
        previous = version
    rows.reverse()
    return rows


def try_rule(measure: Measure, rules, cases, lang: str) -> list[dict]:
    """Evaluate ``rules`` for ``measure`` (not published: an unsaved copy) against each case
    ``(code, label, profile, need)``. Raises ValidationFailed if the rule does not compile.
    A case whose answers are invalid gets its error instead of a verdict."""
    draft = copy.copy(measure)
    draft.rules = rules
    draft.closes_on = None  # test the rule even on a measure past its closing date
    catalogue = Catalogue.of([draft])
    out = []
    for code, label, profile, need in cases:
        row = {"code": code, "label": label, "error": "", "profile": profile, "need": need}
        try:
            answers = check_answers(profile, need, lenient=True)
        except ValidationFailed as failure:
            row["error"] = "; ".join(f"{e.field}: {e.message}" for e in failure.errors)
            out.append(row)
            continue
        evaluation = evaluate(answers, catalogue=catalogue)
        result = evaluation.results[0]
        row.update(
            {
                "verdict": result.verdict,
                "verdict_label": str(dict(Verdict.choices)[result.verdict]),
                "reasons": reasons(result, answers.values, lang),
                "missing": [field_label(name, lang) for name in result.missing],
            }
        )
        out.append(row)
    return out


def show_answer(spec, value) -> str:
    """An answer as the answers list shows it (a region by its name too)."""
    if spec.kind == "region":
        from innocluster.registry.models import Region

        region = Region.objects.filter(code=value).first()
        return f"{region.name} ({value})" if region else str(value)
    return show(spec, value)


def compare_with(tests: list[dict], published: list[dict]) -> None:
    """Put the published rule's verdict beside each test row, and mark the ones that change."""
    for row, now in zip(tests, published, strict=True):
        row["published_label"] = now.get("verdict_label", "")
        row["published_verdict"] = now.get("verdict", "")
        row["changed"] = bool(row.get("verdict")) and row.get("verdict") != now.get("verdict")
