"""KPI endpoints (GET /api/v1/kpis)."""

from ninja import Router

router = Router(tags=["kpis"])
