import pytest

from tests.projects.factories import ProjectTeam, started


@pytest.fixture
def team(db):
    return ProjectTeam()


@pytest.fixture
def project(team, django_capture_on_commit_callbacks):
    """The team's project, its grant agreement signed by the lead and the Fund."""
    return started(team, django_capture_on_commit_callbacks)
