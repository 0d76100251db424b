"""Applications endpoints: the filtered list, one application, exports and bulk actions.

The list takes the back office's filter (``filters.ApplicationFilter``, the same parameters as
``/manage/applications/``). The Fund's staff see every application; a person signed in, or an
organisation's API token (scope ``read``), only the applications of the consortia their
organisations are in. Bulk actions are the Fund's staff's alone.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from innocluster.api.auth import ANY_AUTH, caller_token, caller_user, caller_with_scope
from innocluster.api.schemas import ERRORS
from innocluster.core.audit import record_export
from innocluster.core.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationFailed
from innocluster.core.text import CleanStr

from . import bulk, exports
from .choices import MemberRole
from .filters import ApplicationFilter, money_subquery, score_subquery, visible_applications
from .models import ConsortiumMember

router = Router(tags=["applications"])


class ApplicationFilterQuery(Schema):
    """The back office's filter (every parameter optional)."""

    call: CleanStr = NinjaField("", max_length=64, description="a call's code or id")
    state: list[CleanStr] = NinjaField(
        default_factory=list, description="state codes: repeat the parameter or separate by commas"
    )
    area: CleanStr = NinjaField("", max_length=32, description="priority area code")
    innovation_type: CleanStr = NinjaField("", max_length=32)
    lead: CleanStr = NinjaField("", max_length=200, description="the lead's INN or name words")
    partner: CleanStr = NinjaField("", max_length=12, description="a partner's INN")
    submitted_from: CleanStr = NinjaField("", max_length=10, description="YYYY-MM-DD (Moscow)")
    submitted_to: CleanStr = NinjaField("", max_length=10, description="YYYY-MM-DD (Moscow)")
    disagreement: CleanStr = NinjaField(
        "", max_length=3, description="yes: reviewers disagree (flagged); no: not flagged"
    )
    q: CleanStr = NinjaField("", max_length=200, description="title words or the number")
    order: CleanStr = NinjaField(
        "-submitted",
        max_length=16,
        description="-submitted, submitted, number, -number, title, -created, -score",
    )


class ApplicationListQuery(ApplicationFilterQuery):
    limit: int = NinjaField(25, ge=1, le=500)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


class ConsortiumOrganisationRef(Schema):
    id: uuid.UUID
    name: str
    inn: str | None = None


class ApplicationOut(Schema):
    id: uuid.UUID
    number: str
    title: str
    state: str
    call: str = NinjaField(description="the call's code")
    lead: ConsortiumOrganisationRef
    partners: list[ConsortiumOrganisationRef]
    priority_area: str
    innovation_type: str
    grant_rub: Decimal
    cofinancing_rub: Decimal
    score: Decimal | None = NinjaField(
        None, description="mean of the submitted reviews, 0-100 (the Fund's staff only)"
    )
    submitted_at: datetime | None
    decided_at: datetime | None
    url: str


class ApplicationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ApplicationOut]


class ApplicationDetailOut(ApplicationOut):
    summary: str
    version: int
    answers: dict
    budget: list[dict]
    milestones: list[dict]
    kpi_targets: list[dict]
    attachments: list[dict]


class BulkIn(Schema):
    filter: dict = NinjaField(
        default_factory=dict, description="the list's filter parameters (as for GET)"
    )
    action: CleanStr = NinjaField(
        ..., max_length=64, description="a workflow action, assign_reviewers or remind"
    )
    reason: str = NinjaField("", max_length=2000)
    expected: int = NinjaField(
        ...,
        ge=0,
        description=(
            "how many applications the caller expects the filter to match (the list's count); "
            "refused with 409 when the filter matches another number, so a mistyped filter "
            "never reaches applications nobody meant"
        ),
    )


class BulkSkipped(Schema):
    id: str
    number: str
    reason: str


class BulkOut(Schema):
    action: str
    matched: int
    done: int
    skipped: list[BulkSkipped]
    details: dict


def _caller(request):
    """The person, or the API token (which reads with the ``read`` scope)."""
    return caller_with_scope(request, "read")


# Filters and orders that read the reviews: the Fund's staff only.
REVIEW_PARAMETERS = {"disagreement": "", "order": "-score"}


def _is_staff(request) -> bool:
    return bool(getattr(caller_user(request), "is_fund_staff", False))


def _filter(request, query: Schema) -> ApplicationFilter:
    params = query.dict()
    params.pop("limit", None)
    params.pop("offset", None)
    if not _is_staff(request):
        errors = [
            FieldError(name, _("Only the Fund's staff filter or order by reviews."), "forbidden")
            for name, forbidden in REVIEW_PARAMETERS.items()
            if params.get(name) and (not forbidden or params.get(name) == forbidden)
        ]
        if errors:
            raise ValidationFailed(errors)
    return ApplicationFilter.from_params(params)


def _org(org) -> dict:
    return {"id": org.pk, "name": org.name_ru, "inn": org.inn}


def application_out(application, *, staff: bool) -> dict:
    return {
        "id": application.pk,
        "number": application.number,
        "title": application.title,
        "state": application.state,
        "call": application.call.code,
        "lead": _org(application.lead),
        "partners": [_org(m.organisation) for m in application.partners],
        "priority_area": application.priority_area,
        "innovation_type": application.innovation_type,
        "grant_rub": application.grant,
        "cofinancing_rub": application.cofinancing,
        # Reviews are the Fund's: applicants never see their scores.
        "score": application.score if staff else None,
        "submitted_at": timezone.localtime(application.submitted_at)
        if application.submitted_at
        else None,
        "decided_at": timezone.localtime(application.decided_at)
        if application.decided_at
        else None,
        "url": f"/api/v1/applications/{application.pk}",
    }


def _with_rows(queryset):
    return queryset.select_related("call", "lead").annotate(
        grant=money_subquery("grant_rub"),
        cofinancing=money_subquery("cofinancing_rub"),
        score=score_subquery(),
    )


def _partners(applications) -> None:
    prefetch_related_objects(
        applications,
        Prefetch(
            "members",
            queryset=ConsortiumMember.objects.filter(role=MemberRole.PARTNER)
            .select_related("organisation")
            .order_by("invited_at"),
            to_attr="partners",
        ),
    )


@router.get(
    "/applications",
    response={200: ApplicationPage, **ERRORS},
    auth=ANY_AUTH,
    summary="Applications the caller may see, filtered",
)
def list_applications(request, filters: Query[ApplicationListQuery]):
    """The back office's filter over the caller's applications (the Fund's staff: every one),
    paginated by ``limit``/``offset``. A bad parameter is refused with 422 naming it."""
    application_filter = _filter(request, filters)
    queryset = application_filter.apply(visible_applications(_caller(request)))
    count = queryset.count()
    ids = list(
        queryset.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit]
    )
    found = _with_rows(visible_applications(_caller(request))).in_bulk(ids)
    page = [found[pk] for pk in ids if pk in found]
    _partners(page)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [application_out(a, staff=_is_staff(request)) for a in page],
    }


def _file_docs(content_type: str, schema: dict) -> dict:
    return {
        "responses": {
            200: {
                "description": "The filtered applications the caller may see",
                "content": {content_type: {"schema": schema}},
            }
        }
    }


def _export(request, filters, fmt: str):
    # The exports carry the reviews' scores and ranks: the Fund's staff only.
    if not _is_staff(request):
        raise NotPermitted(_("Only the Fund's operators may do this."))
    caller = _caller(request)
    application_filter = _filter(request, filters)
    queryset = application_filter.apply(visible_applications(caller))
    record_export(
        actor=caller_user(request),
        kind=f"applications.{fmt}",
        params={
            **application_filter.as_params(),
            "api": True,
            **({"token": str(caller.pk)} if caller_token(request) is not None else {}),
        },
    )
    return exports.download(queryset, fmt)


@router.get(
    "/applications/export.csv",
    response={200: None, **ERRORS},
    auth=ANY_AUTH,
    summary="The filtered applications as CSV (UTF-8 with BOM, semicolons)",
    openapi_extra=_file_docs("text/csv", {"type": "string"}),
)
def export_csv(request, filters: Query[ApplicationFilterQuery]):
    return _export(request, filters, "csv")


@router.get(
    "/applications/export.xlsx",
    response={200: None, **ERRORS},
    auth=ANY_AUTH,
    summary="The filtered applications as XLSX",
    openapi_extra=_file_docs(exports.XLSX_MEDIA_TYPE, {"type": "string", "format": "binary"}),
)
def export_xlsx(request, filters: Query[ApplicationFilterQuery]):
    return _export(request, filters, "xlsx")


@router.post(
    "/applications/bulk",
    response={200: BulkOut, **ERRORS},
    auth=ANY_AUTH,
    summary="A bulk action on every application of a filter (the Fund's staff)",
)
def bulk_applications(request, payload: BulkIn):
    """Applies ``action`` to every application ``filter`` matches, not a page of them: each
    workflow move goes through the workflow on its own; those that cannot move are listed in
    ``skipped`` with their number and the reason."""
    user = caller_user(request)
    if user is None or not user.is_fund_staff:
        raise NotPermitted(_("Only the Fund's operators may do this."))
    unknown = sorted(set(payload.filter) - set(ApplicationFilter.PARAMS))
    if unknown:
        raise ValidationFailed(
            [
                FieldError(f"filter.{name}", _("Not a filter parameter."), "unknown_parameter")
                for name in unknown
            ]
        )
    application_filter = ApplicationFilter.from_params(payload.filter)
    matched = bulk.selection(application_filter).count()
    if matched != payload.expected:
        raise Conflict(
            _("The filter matches %(matched)d applications, not %(expected)d: nothing was done.")
            % {"matched": matched, "expected": payload.expected},
            code="count_changed",
            extra={"matched": matched},
        )
    result = bulk.run_bulk(user, application_filter, payload.action, payload.reason)
    return result.as_dict()


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="One application the caller may see",
)
def get_application(request, application_id: uuid.UUID):
    found = _with_rows(visible_applications(_caller(request))).filter(pk=application_id).first()
    if found is None:
        raise NotFound()
    _partners([found])
    data = application_out(found, staff=_is_staff(request))
    data.update(
        {
            "summary": found.summary,
            "version": found.version,
            "answers": found.answers or {},
            "budget": list(
                found.budget_lines.values("category", "year", "grant_rub", "cofinancing_rub")
            ),
            "milestones": list(
                found.milestones.values("number", "title", "deliverables", "due_on", "tranche_rub")
            ),
            "kpi_targets": list(found.kpi_targets.values("kpi", "target")),
            "attachments": list(
                found.attachments.values(
                    "id", "required_document", "filename", "media_type", "sha256", "size"
                )
            ),
        }
    )
    return data
