"""API endpoints (filled in by the exchange and matching work)."""

from ninja import Router

router = Router(tags=["exchange"])
