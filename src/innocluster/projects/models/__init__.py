"""The projects app's models: the project with its agreements and tranches (``projects.py``),
milestone reports with their KPI values and evidence (``reports.py``)."""

from .projects import Agreement, Project, ProjectQuerySet, Tranche
from .reports import KpiActual, MilestoneReport, ReportEvidence, ReportReminder

__all__ = [
    "Agreement",
    "KpiActual",
    "MilestoneReport",
    "Project",
    "ProjectQuerySet",
    "ReportEvidence",
    "ReportReminder",
    "Tranche",
]
