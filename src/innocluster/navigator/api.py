"""Navigator endpoints: evaluate a profile and a need; read the catalogue; a member's profile."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from ninja import Query, Router, Schema

from innocluster.api.auth import ANY_AUTH, caller_token, caller_user
from innocluster.api.schemas import Problem
from innocluster.core.errors import NotFound, NotPermitted
from innocluster.core.text import CleanStr, has_control_characters
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import Organisation

from .choices import Verdict
from .evaluation import evaluate, other_help
from .fields import FIELDS, check_answers
from .filters import MeasureFilter
from .models import Measure
from .profile import profile_for_organisation
from .reasons import field_question, fit_parts, reasons
from .schemas import EvaluateIn, EvaluateOut, MeasureOut, ProfileOut

router = Router(tags=["navigator"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


def result_json(result, values: dict, lang: str) -> dict:
    measure = result.entry.measure
    with translation.override(lang):
        return {
            "code": result.code,
            "name": measure.name,
            "provider": {"code": measure.provider.code, "name": measure.provider.name},
            "form": measure.form,
            "status": result.verdict,
            "score": result.score,
            "reasons": reasons(result, values, lang),
            "missing": list(result.missing),
            "fit": fit_parts(result, lang),
            "amount_max_rub": measure.amount_max_rub,
            "url": f"/navigator/measures/{measure.code}/",
        }


def question_json(name: str | None, lang: str) -> dict | None:
    if name is None:
        return None
    spec = FIELDS[name]
    with translation.override(lang):
        return {
            "field": name,
            "text": field_question(name, lang),
            "kind": spec.kind,
            "choices": [{"code": code, "label": str(label)} for code, label in spec.choices],
        }


@router.post(
    "/navigator/evaluate",
    response={200: EvaluateOut, **ERRORS},
    summary="Which support measures fit a business, and why",
    description=(
        "Evaluates the profile and the need against every measure still relevant (not closed). "
        "Three-valued: a missing answer alone never makes a measure eligible or ineligible; "
        "`missing` lists the fields that would decide an `unknown`, and `next_question` the one "
        "that would decide the most. Results are ranked eligible first, then by fit. Invalid "
        "input (an unknown field, a wrong type, TRL 12, a negative amount, a registration date "
        "in the future) is refused with 422 naming each field, e.g. `profile.trl`. No sign-in "
        "is needed."
    ),
)
def evaluate_profile(request, payload: EvaluateIn):
    answers = check_answers(payload.profile, payload.need)
    evaluation = evaluate(answers)
    lang, values = payload.lang, answers.values
    return {
        "results": [result_json(r, values, lang) for r in evaluation.results],
        "next_question": evaluation.next_question,
        "question": question_json(evaluation.next_question, lang),
        "counts": {str(verdict): n for verdict, n in evaluation.counts.items()},
        "derived": {name: values[name] for name in answers.derived},
        "closest": [result_json(r, values, lang) for r in evaluation.closest],
        "other_help": other_help(lang) if not evaluation.counts[Verdict.ELIGIBLE] else [],
        "evaluated_on": evaluation.today,
    }


class MeasureQuery(Schema):
    q: CleanStr | None = None
    form: CleanStr | None = None
    provider: CleanStr | None = None
    purpose: CleanStr | None = None
    status: CleanStr | None = None


@router.get(
    "/navigator/measures",
    response={200: list[MeasureOut], **ERRORS},
    summary="The catalogue of support measures",
    description="Every measure, with its terms and its published eligibility rule. Filters: "
    "q (words of the code or a name), form, provider (institution code), purpose, status; the "
    "same as the catalogue page's.",
)
def list_measures(request, filters: Query[MeasureQuery]):
    measures = Measure.objects.select_related("provider").order_by("code")
    return MeasureFilter.from_params(filters.dict()).apply(measures)


@router.get(
    "/navigator/measures/{code}",
    response={200: MeasureOut, **ERRORS},
    summary="One support measure",
)
def get_measure(request, code: str):
    if has_control_characters(code):  # no code has one (and PostgreSQL refuses a NUL)
        raise NotFound()
    measure = Measure.objects.select_related("provider").filter(code=code).first()
    if measure is None:
        raise NotFound()
    return measure


@router.get(
    "/navigator/profile",
    response={200: ProfileOut, **ERRORS},
    auth=ANY_AUTH,
    summary="The caller's organisation's profile, as the registry fills it in",
    description=(
        "For an API token: its organisation. For a signed-in person: the organisation given by "
        "`organisation` (one they hold a role in). Send it as the `profile` of an evaluation, "
        "adding the answers the registry does not know."
    ),
)
def my_profile(request, organisation: str | None = None):
    token = caller_token(request)
    if token is not None:
        org = token.organisation
    else:
        user = caller_user(request)
        roles = Organisation.objects.filter(roles__user=user, roles__role__in=list(OrgRole))
        if organisation:
            try:
                org = roles.filter(pk=organisation).first()
            except (ValueError, TypeError, ValidationError):
                org = None
        else:
            org = roles.distinct().first()
        if org is None:
            raise NotFound()
    if org is None:
        raise NotPermitted("This token has no organisation.")
    org = (
        Organisation.objects.prefetch_related("okved_extra", "revenues", "priority_areas")
        .select_related(None)
        .get(pk=org.pk)
    )
    return {"organisation_id": str(org.pk), "profile": profile_for_organisation(org)}
