"""Public PKI endpoints: the CA certificate, the CRL and the RFC 3161 timestamp service."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import ca, tsa

TSA_MAX_REQUEST_BYTES = 16 * 1024


def _public(response: HttpResponse, max_age: int = 300) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def ca_pem(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(ca.ca_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="innocluster-ca.pem"'
    return _public(response, 3600)


@require_GET
def crl_pem(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(ca.crl_pem(), content_type="application/x-pem-file")
    return _public(response)


@require_GET
def crl_der(request: HttpRequest) -> HttpResponse:
    return _public(HttpResponse(ca.crl_der(), content_type="application/pkix-crl"))


@csrf_exempt
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    """RFC 3161 over HTTP (RFC 3161 §3.4): application/timestamp-query in,
    application/timestamp-reply out. A malformed query gets a rejection reply, not an error."""
    content_type = (request.content_type or "").lower()
    if content_type != "application/timestamp-query":
        return HttpResponse(
            "Send an RFC 3161 TimeStampReq as application/timestamp-query.\n",
            status=415,
            content_type="text/plain; charset=utf-8",
        )
    length = int(request.headers.get("Content-Length") or 0)
    limit = min(TSA_MAX_REQUEST_BYTES, settings.DOCUMENT_MAX_BYTES)
    if length > limit:
        return HttpResponse("The request is too large.\n", status=413, content_type="text/plain")
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse("The request is too large.\n", status=413, content_type="text/plain")
    response = HttpResponse(tsa.respond(body), content_type="application/timestamp-reply")
    response["Cache-Control"] = "no-store"
    return response
