"""Evidence packages and public signature verification (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["verification"])
