"""Open data: the public registry as CSV and JSON, and the JSON Schema that documents it.

``/registry/export.csv``, ``/registry/export.json`` and ``/registry/export.schema.json`` all come
through the one route ``registry/export.<str:fmt>``. The CSV and JSON take the registry page's
filter parameters.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from innocluster.api.problems import problem
from innocluster.core.errors import ValidationFailed

from . import exports, selectors
from .filters import RegistryFilter

SCHEMA_FMT = "schema.json"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8; header=present",
    "json": "application/json",
}


def problem_response(request, error: ValidationFailed, status: int = 400) -> HttpResponse:
    """RFC 9457 problem details for bad query parameters, naming each one (the API's format)."""
    errors = [{"field": e.field, "message": str(e.message), "code": e.code} for e in error.errors]
    detail = _("Invalid query parameters: %s") % "; ".join(
        f"{e.field}: {e.message}" for e in error.errors
    )
    return problem(request, status, error.code, detail, errors)


def schema_url(request) -> str:
    return request.build_absolute_uri(reverse("registry:export", kwargs={"fmt": SCHEMA_FMT}))


@require_safe
def registry_export(request, fmt: str):
    """The public registry, filtered like the registry page, streamed as CSV or JSON."""
    if fmt == SCHEMA_FMT:
        return HttpResponse(
            exports.schema_json(schema_url(request)),
            content_type="application/schema+json; charset=utf-8",
        )
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        registry_filter = RegistryFilter.from_params(request.GET)
    except ValidationFailed as error:
        return problem_response(request, error)
    # Open data is the public registry whoever asks, staff included.
    queryset = selectors.registry_list(AnonymousUser(), registry_filter)
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "csv":
        body = exports.stream_csv(queryset)
    else:
        body = exports.stream_json(queryset, schema_url(request))
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="innocluster-registry-{stamp}.{fmt}"'
    response["Link"] = f'<{schema_url(request)}>; rel="describedby"'
    response["Cache-Control"] = "public, max-age=300"
    return response
