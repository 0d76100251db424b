"""Applications endpoints: filtered lists, bulk actions, exports."""

from ninja import Router

router = Router(tags=["applications"])
