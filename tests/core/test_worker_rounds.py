"""The worker's daily round reminds leads of overdue milestone reports, once a day at most."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from innocluster.core.models import Notification
from innocluster.programmes.models import Milestone
from tests.projects.factories import ProjectTeam, started

pytestmark = pytest.mark.django_db


def test_the_daily_round_reminds_the_lead_of_an_overdue_report(
    monkeypatch, django_capture_on_commit_callbacks
):
    from innocluster.core.management.commands import worker

    team = ProjectTeam()
    project = started(team, django_capture_on_commit_callbacks)
    first = Milestone.objects.filter(application=project.application).order_by("number").first()
    past = timezone.localdate() - datetime.timedelta(days=3)
    Milestone.objects.filter(pk=first.pk).update(due_on=past)
    project.tranches.filter(milestone=first).update(due_on=past)

    monkeypatch.setattr(worker, "_last_run", {})
    worker.enqueue_periodic_tasks()
    reminders = Notification.objects.filter(kind="project.report_overdue", recipient=team.editor)
    assert reminders.count() == 1
    assert "3" in reminders.get().title_ru  # days overdue

    worker.enqueue_periodic_tasks()  # the same day: nothing more
    assert reminders.count() == 1


def test_the_daily_round_catches_the_search_index_up_with_bulk_writes(monkeypatch, settings):
    """A bulk insert fires no signals; the next day's round finds the organisation and writes
    a matching snapshot a new process can load."""
    from innocluster.core.management.commands import worker
    from innocluster.matching import index_store
    from innocluster.matching.models import MatchDocument
    from innocluster.registry.models import Organisation
    from tests.registry.factories import MemberOrganisationFactory

    template = MemberOrganisationFactory.build()
    Organisation.objects.bulk_create([template])
    assert not MatchDocument.objects.filter(object_id=template.pk).exists()

    monkeypatch.setattr(worker, "_last_run", {})
    worker.enqueue_periodic_tasks()
    assert MatchDocument.objects.filter(object_id=template.pk, removed=False).exists()
    assert index_store.snapshot_path().exists()
