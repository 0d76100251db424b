"""C3: joint projects, from the call to the implemented project: calls, applications,
consortia, budgets, milestones and KPI targets (review is in ``review``, agreements and
implementation in ``projects``)."""
