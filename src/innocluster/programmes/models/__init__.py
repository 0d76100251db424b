"""The programmes app's models: calls (``calls.py``) and applications (``applications.py``)."""

from .applications import (
    Application,
    Attachment,
    BudgetLine,
    ConsortiumMember,
    KpiTarget,
    Milestone,
)
from .calls import ApplicationForm, Call, Criterion, FormVersion, Programme

__all__ = [
    "Application",
    "ApplicationForm",
    "Attachment",
    "BudgetLine",
    "Call",
    "ConsortiumMember",
    "Criterion",
    "FormVersion",
    "KpiTarget",
    "Milestone",
    "Programme",
]
