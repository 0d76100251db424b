"""Registry endpoints: the member registry, joining, applications, reference data."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.urls import reverse
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from innocluster.api.auth import ANY_AUTH, caller_token, caller_user
from innocluster.api.schemas import ERRORS
from innocluster.core.errors import NotFound
from innocluster.core.text import CleanStr

from . import export_views, exports, selectors
from .filters import RegistryFilter
from .models import (
    MembershipApplication,
    OkvedCode,
    Organisation,
    PriorityArea,
    Region,
    TechnologyReadinessLevel,
)
from .schemas import (
    JoinIn,
    JoinOut,
    MembershipApplicationOut,
    OkvedOut,
    OrganisationDetailOut,
    OrganisationPage,
    ReferenceItem,
    RegionOut,
    StatisticsOut,
    TrlOut,
)
from .services import JoinRequest, OrganisationInput, apply_for_membership

router = Router(tags=["registry"])


class RegistryFilterQuery(Schema):
    """The registry's search and filters (the same as the registry page's)."""

    q: CleanStr = NinjaField(
        "", max_length=200, description="words of the name or description, or an INN/OGRN"
    )
    area: CleanStr = NinjaField("", max_length=32, description="priority area code")
    kind: CleanStr = NinjaField("", max_length=32)
    region: CleanStr = NinjaField("", max_length=6, description="ISO 3166-2:RU code")
    okved_section: CleanStr = NinjaField(
        "", max_length=1, description="OKVED 2 section letter A..U"
    )
    sme_category: CleanStr = NinjaField("", max_length=8)
    status: CleanStr = NinjaField("", max_length=16, description="member, partner or suspended")
    order: CleanStr = NinjaField(
        "name", max_length=16, description="name, -name, member_since, -member_since"
    )


class RegistryQuery(RegistryFilterQuery):
    limit: int = NinjaField(25, ge=1, le=500)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def organisation_out(org: Organisation, request) -> dict:
    return {
        "id": org.id,
        "member_number": org.member_number,
        "status": org.status,
        "member_since": org.member_since,
        "legal_form": org.legal_form,
        "kind": org.kind,
        "name_ru": org.name_ru,
        "name_en": org.name_en,
        "inn": org.inn,
        "ogrn": org.ogrn,
        "kpp": org.kpp,
        "country": org.country,
        "foreign_registration_number": org.foreign_registration_number,
        "region": org.region_id,
        "okved_main": org.okved_main_id,
        "okved_extra": sorted(c.code for c in org.okved_extra.all()),
        "priority_areas": [a.code for a in org.priority_areas.all()],
        "sme_category": org.sme_category,
        "employees": org.employees,
        "registered_on": org.registered_on,
        "website": org.website,
        "description_ru": org.description_ru,
        "description_en": org.description_en,
        "url": request.build_absolute_uri(reverse("registry:detail", args=[org.id])),
    }


def application_out(application: MembershipApplication) -> dict:
    return {
        "id": application.id,
        "organisation_id": application.organisation_id,
        "status": application.status,
        "checks": application.checks_display,
        "review_reason": application.review_reason_display,
        "decision_reason": application.decision_reason,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
    }


@router.get(
    "/organisations",
    response={200: OrganisationPage, **ERRORS},
    summary="Search the member registry",
)
def list_organisations(request, filters: Query[RegistryQuery]):
    """The public registry, with the registry page's search and filters, paginated."""
    registry_filter = RegistryFilter.from_params(filters.dict())
    page, count = selectors.registry_slice(
        request.user, registry_filter, filters.offset, filters.limit
    )
    prefetch_related_objects(
        page,
        Prefetch("priority_areas", queryset=PriorityArea.objects.only("code")),
        Prefetch("okved_extra", queryset=OkvedCode.objects.only("code")),
    )
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [organisation_out(org, request) for org in page],
    }


@router.get(
    "/organisations/{org_id}",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="One organisation",
)
def get_organisation(request, org_id: uuid.UUID):
    """A registry entry; applicants' entries only to their own people and the Fund."""
    user = request.user if request.user.is_authenticated else None
    org = selectors.organisation_for(user, org_id)
    data = organisation_out(org, request)
    data["revenues"] = [{"year": r.year, "revenue_rub": r.revenue_rub} for r in org.revenues.all()]
    if user is not None:
        data.update(
            contact_name=org.contact_name,
            contact_email=org.contact_email,
            contact_phone=org.contact_phone,
            address=org.address,
        )
    return data


@router.post(
    "/organisations", response={201: JoinOut, **ERRORS}, auth=ANY_AUTH, summary="Join the cluster"
)
def join_cluster(request, payload: JoinIn):
    """Create an organisation and apply for membership. When every formal check passes the
    organisation is admitted at once (``member`` in the home region, ``partner`` elsewhere);
    otherwise it waits for the Fund's review (``applicant``). A partner platform's token with the
    ``join`` scope may apply on behalf of an applicant."""
    data = payload.dict()
    accept, claim = data.pop("accept_agreement"), data.pop("claim")
    data["revenue_by_year"] = {int(k): v for k, v in data["revenue_by_year"].items()}
    for key in (
        "name_en",
        "kpp",
        "foreign_registration_number",
        "website",
        "description_ru",
        "description_en",
    ):
        data[key] = data[key] or ""
    application = apply_for_membership(
        OrganisationInput(**data),
        JoinRequest(
            applicant=caller_user(request),
            via_token=caller_token(request),
            accept_agreement=accept,
            claim=claim,
            ip_address=request.META.get("REMOTE_ADDR"),
        ),
    )
    org = application.organisation
    org.refresh_from_db(fields=["status", "member_number"])
    return Status(
        201,
        {
            "id": org.id,
            "status": org.status,
            "member_number": org.member_number,
            "application": application_out(application),
        },
    )


@router.get(
    "/membership-applications/{application_id}",
    response={200: MembershipApplicationOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Where a membership application stands",
)
def get_application(request, application_id: uuid.UUID):
    token = caller_token(request)
    if token is not None:
        application = MembershipApplication.objects.filter(
            pk=application_id, submitted_via__organisation=token.organisation
        ).first()
        if application is None:
            raise NotFound()
        return application_out(application)
    return application_out(selectors.application_for(request.auth, application_id))


def _open_data_docs(content_type: str, schema: dict) -> dict:
    return {
        "responses": {
            200: {
                "description": "The public registry",
                "content": {content_type: {"schema": schema}},
            }
        }
    }


@router.get(
    "/open-data/registry.csv",
    response={200: None, **ERRORS},
    tags=["open data"],
    summary="The public registry as CSV",
    openapi_extra=_open_data_docs("text/csv", {"type": "string"}),
)
def open_data_csv(request, filters: Query[RegistryFilterQuery]):
    """Open data: one row per organisation, the fields of /registry/export.schema.json; lists
    are joined with ";". The same filters as the registry."""
    return _open_data(request, filters, "csv")


@router.get(
    "/open-data/registry.json",
    response={200: None, **ERRORS},
    tags=["open data"],
    summary="The public registry as JSON",
    openapi_extra=_open_data_docs("application/json", {"type": "object"}),
)
def open_data_json(request, filters: Query[RegistryFilterQuery]):
    """Open data: one JSON document described by /registry/export.schema.json."""
    return _open_data(request, filters, "json")


def _open_data(request, filters: RegistryFilterQuery, fmt: str) -> StreamingHttpResponse:
    registry_filter = RegistryFilter.from_params(filters.dict())
    queryset = selectors.registry_list(AnonymousUser(), registry_filter)
    schema_url = export_views.schema_url(request)
    body = (
        exports.stream_csv(queryset) if fmt == "csv" else exports.stream_json(queryset, schema_url)
    )
    response = StreamingHttpResponse(body, content_type=export_views.CONTENT_TYPES[fmt])
    response["Link"] = f'<{schema_url}>; rel="describedby"'
    return response


@router.get("/registry/statistics", response=StatisticsOut, summary="Registry statistics")
def registry_statistics(request):
    stats = selectors.registry_statistics()
    return {
        **{
            key: stats[key]
            for key in (
                "total",
                "members",
                "partners",
                "suspended",
                "by_kind",
                "by_sme_category",
                "by_okved_section",
            )
        },
        "by_area": {code: n for code, _ru, _en, n in stats["by_area"]},
        "by_region": {code or "": n for code, _ru, _en, n in stats["by_region"]},
    }


@router.get(
    "/priority-areas",
    response=list[ReferenceItem],
    tags=["reference"],
    summary="The ten priority areas",
)
def priority_areas(request):
    return list(PriorityArea.objects.values("code", "name_ru", "name_en"))


@router.get(
    "/regions",
    response=list[RegionOut],
    tags=["reference"],
    summary="Russian regions (ISO 3166-2:RU)",
)
def regions(request):
    return list(Region.objects.values("code", "name_ru", "name_en", "federal_district"))


class OkvedQuery(Schema):
    q: CleanStr = NinjaField("", max_length=100, description="code prefix or words of the name")
    section: CleanStr = NinjaField("", max_length=1)
    limit: int = NinjaField(50, ge=1, le=500)


@router.get(
    "/okved",
    response={200: list[OkvedOut], **ERRORS},
    tags=["reference"],
    summary="Look up OKVED 2 codes",
)
def okved(request, filters: Query[OkvedQuery]):
    queryset = OkvedCode.objects.all()
    if filters.section:
        queryset = queryset.filter(section=filters.section.upper())
    if filters.q:
        term = filters.q.strip()
        queryset = (
            queryset.filter(code__startswith=term)
            if term[:1].isdigit()
            else queryset.filter(name_ru__icontains=term) | queryset.filter(name_en__icontains=term)
        )
    return [
        {
            "code": c["code"],
            "name_ru": c["name_ru"],
            "name_en": c["name_en"],
            "section": c["section"],
            "parent": c["parent_id"],
        }
        for c in queryset.order_by("code").values(
            "code", "name_ru", "name_en", "section", "parent_id"
        )[: filters.limit]
    ]


@router.get(
    "/trl", response=list[TrlOut], tags=["reference"], summary="Technology readiness levels"
)
def trl(request):
    return list(TechnologyReadinessLevel.objects.values("level", "name_ru", "name_en"))
