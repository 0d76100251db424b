"""Who hears about a challenge's and a solution's steps (``core.notifications.notify``).

A notice names the challenge by its title (never protected) and the organisations involved; it
never quotes a challenge's protected fields, a solution's description or a message's text:
whoever reads it follows the link, where the pages decide what they may read
(``selectors.protected_text_visible_to``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from innocluster.core.notifications import notify

from .choices import SolutionStatus


def challenge_url(challenge) -> str:
    return f"/exchange/challenges/{challenge.pk}/"


def solution_url(solution) -> str:
    return f"/exchange/challenges/solutions/{solution.pk}/"


def nda_accepted(challenge, organisation) -> None:
    notify(
        [challenge.owner],
        "challenge.nda_accepted",
        _("%(org)s accepted the NDA of your challenge “%(title)s”"),
        params={"org": organisation.name_ru, "title": challenge.title},
        url=challenge_url(challenge),
        obj=challenge,
    )


def solution_received(solution) -> None:
    challenge = solution.challenge
    notify(
        [challenge.owner],
        "solution.received",
        _("A new solution to your challenge “%(title)s” from %(org)s"),
        body=_("Open the solution to read it and move it along your pipeline."),
        params={"title": challenge.title, "org": solution.responder.name_ru},
        url=solution_url(solution),
        obj=solution,
    )


def solution_withdrawn(solution) -> None:
    challenge = solution.challenge
    notify(
        [challenge.owner],
        "solution.withdrawn",
        _("%(org)s withdrew its solution to your challenge “%(title)s”"),
        params={"title": challenge.title, "org": solution.responder.name_ru},
        url=solution_url(solution),
        obj=solution,
    )


MOVED = {
    SolutionStatus.SHORTLISTED: _("Your solution to “%(title)s” is shortlisted"),
    SolutionStatus.PILOT_PROPOSED: _("%(org)s proposes to pilot your solution to “%(title)s”"),
    SolutionStatus.ACCEPTED: _("%(org)s accepted your solution to “%(title)s”"),
    SolutionStatus.DECLINED: _("%(org)s declined your solution to “%(title)s”"),
}


def solution_moved(solution) -> None:
    challenge = solution.challenge
    title = MOVED.get(solution.status)
    if title is None:
        return
    body = (
        _("The owner's feedback is on the solution's page.")
        if solution.status == SolutionStatus.DECLINED
        else None
    )
    notify(
        [solution.responder],
        f"solution.{solution.status}",
        title,
        body=body,
        params={"title": challenge.title, "org": challenge.owner.name_ru},
        url=solution_url(solution),
        obj=solution,
    )


def message_posted(solution, author_organisation, recipient) -> None:
    notify(
        [recipient],
        "solution.message",
        _("A new message from %(org)s about the solution to “%(title)s”"),
        body=_("Open the solution to read it and answer."),
        params={"org": author_organisation.name_ru, "title": solution.challenge.title},
        url=solution_url(solution),
        obj=solution,
    )
