from .catalogue import ExpressionOfInterest, Product, TechnologyOffer
from .challenges import PROTECTED_FIELDS, Challenge, NdaAcceptance
from .solutions import Solution, SolutionAttachment, SolutionMessage

__all__ = [
    "PROTECTED_FIELDS",
    "Challenge",
    "ExpressionOfInterest",
    "NdaAcceptance",
    "Product",
    "Solution",
    "SolutionAttachment",
    "SolutionMessage",
    "TechnologyOffer",
]
