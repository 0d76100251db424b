"""``GET /api/v1/search``: full-text search across the exchange and the registry, with facets.

No sign-in is needed: anonymous callers find public items; a signed-in person of an admitted
organisation, the Fund's staff, or an API token of an admitted organisation also finds
members-only items. Text under NDA is never searched nor returned.
"""

from __future__ import annotations

from ninja import Query, Router

from innocluster.api.auth import optional_reader
from innocluster.api.schemas import ERRORS

from .search import audiences_for, search
from .search_forms import CONTROL
from .search_schemas import SearchOut, SearchQuery

router = Router(tags=["search"])


def _audiences(request):
    """What the caller may find; no sign-in needed, but a bearer token must be valid and hold
    the ``read`` scope, as everywhere in the API."""
    return audiences_for(optional_reader(request))


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Search challenges, technology offers, products and organisations",
)
def search_items(request, filters: Query[SearchQuery]):
    """Words in Russian or English (with morphology: "беспилотники" finds "беспилотных"; a
    Latin term such as "LiDAR" finds texts in either language), narrowed by facets. Items holding
    every word come first, then by relevance. An unknown filter value is refused with 422 naming
    the field; the query text itself is never refused."""
    q = CONTROL.sub(" ", filters.q)
    results = search(
        None,
        q,
        kinds=filters.kind,
        areas=filters.area,
        trl_min=filters.trl_min,
        statuses=filters.status,
        languages=filters.language,
        owner_kinds=filters.owner_kind,
        page=filters.page,
        per_page=filters.per_page,
        audiences=_audiences(request),
    )
    items = [
        {
            "kind": hit.document.kind,
            "id": hit.document.object_id,
            "title": hit.title,
            "title_original": hit.document.title,
            "language": hit.document.language,
            "snippet": hit.snippet_text,
            "snippet_html": str(hit.snippet_html),
            "owner": {"id": hit.owner_id, "name": hit.owner_name} if hit.owner_name else None,
            "areas": hit.document.areas.split(),
            "trl": hit.document.trl,
            "status": hit.document.status,
            "url": hit.url or None,
        }
        for hit in results.hits
    ]
    return {
        "query": q,
        "count": results.count,
        "page": results.page.number,
        "pages": results.page.paginator.num_pages,
        "per_page": results.page.paginator.per_page,
        "items": items,
        "facets": {
            name: [{"code": v.code, "label": v.label, "count": v.count} for v in values]
            for name, values in results.facets.items()
        },
    }
