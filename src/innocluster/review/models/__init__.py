"""The review app's models: experts and their conflicts, assignments and reviews, board
sessions and decisions."""

from .board import BoardDecision, BoardSession, BoardVote
from .experts import ConflictDeclaration, Expert
from .reviews import Assignment, Review

__all__ = [
    "Assignment",
    "BoardDecision",
    "BoardSession",
    "BoardVote",
    "ConflictDeclaration",
    "Expert",
    "Review",
]
