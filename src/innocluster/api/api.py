"""The one NinjaAPI: mounts each app's router under /api/v1/."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from innocluster.accounts.api import router as accounts_router
from innocluster.documents.api import router as documents_router
from innocluster.documents.api_evidence import router as verification_router
from innocluster.exchange.api import router as challenges_router
from innocluster.exchange.api_catalogue import router as catalogue_router
from innocluster.insights.api import router as kpis_router
from innocluster.ledger.api import router as ledger_router
from innocluster.matching.api import router as matches_router
from innocluster.matching.api_search import router as search_router
from innocluster.navigator.api import router as navigator_router
from innocluster.pki.api import router as pki_router
from innocluster.programmes.api import router as programmes_router
from innocluster.programmes.api_applications import router as applications_router
from innocluster.projects.api import router as projects_router
from innocluster.registry.api import router as registry_router
from innocluster.review.api import router as review_router

from .problems import PROBLEM_CONTENT_TYPE, install_problem_handlers

DESCRIPTION = """The InnoCluster API: the member registry, joining the cluster, reference data.

Authentication: the portal's session cookie, or an organisation's API token sent as
`Authorization: Bearer <token>`. Errors are RFC 9457 problem details
(`application/problem+json`) with a machine-readable `code` and, for invalid input, `errors`:
the offending fields and why. Identifiers are opaque UUIDs.
"""


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Russian names stay readable instead of \\u-escaped."""

    json_dumps_params = {"ensure_ascii": False}


class InnoClusterAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated schema, plus the problem+json responses every operation may return."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_content = {
            PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, response in responses.items():
                    if str(status).startswith(("4", "5")):
                        response["content"] = problem_content
                responses["default"] = {
                    "description": "An error, as RFC 9457 problem details",
                    "content": problem_content,
                }
        return schema


api = InnoClusterAPI(
    title="InnoCluster API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
)
install_problem_handlers(api)
api.add_router("/", registry_router)
api.add_router("/", navigator_router)
api.add_router("/", accounts_router)
api.add_router("/", ledger_router)
api.add_router("/", pki_router)
api.add_router("/", documents_router)
api.add_router("/", verification_router)
api.add_router("/", programmes_router)
api.add_router("/", applications_router)
api.add_router("/", review_router)
api.add_router("/", projects_router)
api.add_router("/", kpis_router)
api.add_router("/", challenges_router)
api.add_router("/", catalogue_router)
api.add_router("/", search_router)
api.add_router("/", matches_router)
