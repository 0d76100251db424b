"""Board sessions: the agenda from the ranking, votes and decisions with reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel

from ..choices import Vote


class BoardSession(BaseModel):
    """A meeting of the supervisory board on one call's applications; its minutes are a
    document signed by the board members (``minutes_document_id``)."""

    call = models.ForeignKey(
        "programmes.Call", on_delete=models.PROTECT, related_name="board_sessions"
    )
    held_on = models.DateField(_("held on"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("board members"), related_name="+"
    )
    # The funding line suggested on the agenda: drawn in rank order, or the optimal selection.
    optimal = models.BooleanField(_("optimal funding line"), default=False)
    minutes_document_id = models.UUIDField(null=True, blank=True)
    # Set when every board member has signed the minutes (documents.generation.when_signed).
    minutes_signed_at = models.DateTimeField(_("minutes signed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("board session")
        verbose_name_plural = _("board sessions")

    def __str__(self) -> str:
        return f"{self.call_id} {self.held_on}"


class BoardDecision(models.Model):
    """The board's decision on one application on the agenda: its rank and score when it was
    put on the agenda, the outcome (an application state: approved, rejected, waitlisted), the
    grant awarded and the reasons."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    session = models.ForeignKey(BoardSession, on_delete=models.CASCADE, related_name="decisions")
    application = models.ForeignKey(
        "programmes.Application", on_delete=models.PROTECT, related_name="board_decisions"
    )
    position = models.PositiveIntegerField(_("place on the agenda"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=3, null=True, blank=True)
    requested_rub = models.DecimalField(
        _("grant requested, RUB"), max_digits=18, decimal_places=2, default=0
    )
    # The funding line's suggestion when the agenda was made: above the line (True), below it
    # (False).
    suggested = models.BooleanField(_("above the funding line"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    grant_rub = models.DecimalField(
        _("grant awarded, RUB"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"], name="review_decision_once_per_session"
            )
        ]
        verbose_name = _("board decision")
        verbose_name_plural = _("board decisions")

    def __str__(self) -> str:
        return f"{self.session_id}:{self.application_id}"


class BoardVote(models.Model):
    """One board member's vote on one decision."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    decision = models.ForeignKey(BoardDecision, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(_("vote"), max_length=16, choices=Vote.choices)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="review_vote_once")
        ]
        verbose_name = _("board vote")
        verbose_name_plural = _("board votes")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.vote}"
