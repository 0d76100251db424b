"""Projects endpoints: agreements, tranches, milestone reports."""

from ninja import Router

router = Router(tags=["projects"])
