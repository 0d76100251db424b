"""Overdue reports: flagged with the days late, and each lead reminded once a week per
milestone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from innocluster.core.models import Notification
from innocluster.projects import selectors, services
from innocluster.projects.models import ReportReminder
from innocluster.projects.tasks import remind_overdue_reports
from tests.projects.factories import milestones, submitted_report

pytestmark = pytest.mark.django_db


def reminders(team):
    return Notification.objects.filter(kind="project.report_overdue", recipient=team.signatory)


def test_a_milestone_past_its_date_without_a_submitted_report_is_overdue(team, project):
    first, last = milestones(project)
    due = project.tranches.get(milestone=first).due_on
    assert selectors.overdue_reports(due) == []  # due today: not late yet
    late = selectors.overdue_reports(due + datetime.timedelta(days=3))
    assert [(o.project, o.milestone, o.days) for o in late] == [(project, first, 3)]
    assert selectors.overdue_days_by_project([project.pk], due + datetime.timedelta(days=3)) == {
        project.pk: 3
    }
    # A draft does not count; a submitted report does.
    services.save_report(
        project, first, actor=team.editor, summary="x", kpi_values={}, expected_version=0
    )
    assert len(selectors.overdue_reports(due + datetime.timedelta(days=3))) == 1
    report = project.reports.get()
    services.submit_report(report, actor=team.editor)
    assert selectors.overdue_reports(due + datetime.timedelta(days=3)) == []
    # A returned report is late again.
    services.return_report(report, actor=team.operator, reason="Нет протокола")
    assert len(selectors.overdue_reports(due + datetime.timedelta(days=3))) == 1
    later = project.tranches.get(milestone=last).due_on + datetime.timedelta(days=1)
    assert {o.milestone for o in selectors.overdue_reports(later)} == {first, last}


def test_only_projects_in_implementation_are_flagged(team, project):
    first, _ = milestones(project)
    day = project.tranches.get(milestone=first).due_on + datetime.timedelta(days=10)
    services.terminate(project, actor=team.operator, reason="Остановлен")
    assert selectors.overdue_reports(day) == []


def test_reminders_once_per_milestone_per_seven_days(team, project):
    first, _ = milestones(project)
    due = project.tranches.get(milestone=first).due_on
    moment = timezone.make_aware(
        datetime.datetime.combine(due + datetime.timedelta(days=2), datetime.time(12))
    )
    assert services.remind_overdue(moment) == 1
    assert reminders(team).count() == 1
    note = reminders(team).get()
    assert note.url == f"/projects/{project.pk}/"
    assert "2 days overdue" in note.title_en
    assert services.remind_overdue(moment + datetime.timedelta(days=6)) == 0
    assert reminders(team).count() == 1
    assert services.remind_overdue(moment + datetime.timedelta(days=7)) == 1
    assert reminders(team).count() == 2
    reminder = ReportReminder.objects.get(project=project, milestone=first)
    assert reminder.count == 2
    # Submitted: no more reminders.
    submitted_report(team, project, first)
    assert services.remind_overdue(moment + datetime.timedelta(days=30)) == 0


def test_the_task_reminds_today(team, project):
    first, _ = milestones(project)
    tranche = project.tranches.get(milestone=first)
    tranche.due_on = timezone.localdate() - datetime.timedelta(days=5)
    tranche.save()
    result = remind_overdue_reports.enqueue()
    assert result.return_value == 1
    assert reminders(team).count() == 1
