"""The documents API (mounted under /api/v1/ by innocluster.api.api)."""

from ninja import Router

router = Router(tags=["documents"])
