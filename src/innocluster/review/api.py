"""Review endpoints: experts' assignments and reviews, rankings, board sessions."""

from ninja import Router

router = Router(tags=["review"])
