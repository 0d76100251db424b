"""Conflicts of interest between experts and applications.

An expert is in conflict with an application when:

- they are affiliated with the lead or with any consortium member that has not declined (a
  declared affiliation, or a role they hold in that organisation);
- they declared a conflict with one of those organisations, or with the application itself;
- they worked together with a member in the last 3 years: one of the expert's affiliated
  organisations and one of the application's member organisations were in the same consortium
  of another application submitted (``submitted_at``) within the last 3 years.

``ConflictIndex.build`` reads everything it needs for many applications and many experts in a
handful of queries (never one per pair), so the automatic assignment of a whole call asks it in
memory; ``conflicts_of`` is the one-pair form with the reasons spelt out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innocluster.programmes.choices import ParticipationStatus
from innocluster.programmes.models import Application, ConsortiumMember
from innocluster.registry.models import Organisation, OrganisationRole

from .models import ConflictDeclaration, Expert

WORKED_TOGETHER_YEARS = 3


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """``moment`` moved back ``years`` calendar years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass
class _Collaboration:
    application_id: object
    number: str
    submitted_at: datetime.datetime


@dataclass
class ConflictIndex:
    """Who is in conflict with what, for a set of applications and a set of experts.

    Built by :meth:`build`; :meth:`conflicted_experts` answers for one application in memory,
    :meth:`reasons` spells out one pair's conflicts."""

    members: dict = field(default_factory=dict)  # application id -> {organisation id: role}
    leads: dict = field(default_factory=dict)  # application id -> lead organisation id
    affiliations: dict = field(default_factory=dict)  # expert id -> {organisation id: how}
    declared_orgs: dict = field(default_factory=dict)  # expert id -> {organisation id: reason}
    declared_apps: dict = field(default_factory=dict)  # expert id -> {application id: reason}
    # affiliated organisation id -> {collaborator organisation id: latest shared application}
    collaborators: dict = field(default_factory=dict)
    since: datetime.datetime | None = None
    # Inverted: organisation id -> expert ids in conflict with any application it is in.
    _by_org: dict = field(default_factory=dict)
    _by_app: dict = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        applications: Iterable[Application],
        experts: Iterable[Expert] | None = None,
        *,
        at: datetime.datetime | None = None,
    ) -> ConflictIndex:
        """Read the consortia of ``applications``, and the affiliations, declarations and past
        consortia of ``experts`` (every active expert when None): six queries whatever the
        numbers.

        Args: applications (saved ``Application`` rows, or their ids); experts (``Expert`` rows
        or ids); at: the moment "the last 3 years" counts back from (now by default).
        Returns: the index."""
        index = cls()
        at = at or timezone.now()
        index.since = years_before(at, WORKED_TOGETHER_YEARS)
        app_ids = [getattr(a, "pk", a) for a in applications]
        if experts is None:
            expert_rows = list(Expert.objects.filter(active=True).values_list("pk", "user_id"))
        else:
            expert_list = list(experts)
            if expert_list and not isinstance(expert_list[0], Expert):
                expert_rows = list(
                    Expert.objects.filter(pk__in=expert_list).values_list("pk", "user_id")
                )
            else:
                expert_rows = [(e.pk, e.user_id) for e in expert_list]
        expert_ids = [pk for pk, _user in expert_rows]
        user_to_expert = {user_id: pk for pk, user_id in expert_rows}

        for app_id, org_id, role in (
            ConsortiumMember.objects.filter(application_id__in=app_ids)
            .exclude(status=ParticipationStatus.DECLINED)
            .values_list("application_id", "organisation_id", "role")
        ):
            index.members.setdefault(app_id, {})[org_id] = role
        for app_id, lead_id in Application.objects.filter(pk__in=app_ids).values_list(
            "pk", "lead_id"
        ):
            index.leads[app_id] = lead_id
            index.members.setdefault(app_id, {}).setdefault(lead_id, "lead")

        through = Expert.affiliations.through
        for expert_id, org_id in through.objects.filter(expert_id__in=expert_ids).values_list(
            "expert_id", "organisation_id"
        ):
            index.affiliations.setdefault(expert_id, {})[org_id] = "declared"
        for user_id, org_id in OrganisationRole.objects.filter(
            user_id__in=list(user_to_expert)
        ).values_list("user_id", "organisation_id"):
            index.affiliations.setdefault(user_to_expert[user_id], {}).setdefault(org_id, "role")

        for expert_id, org_id, app_id, reason in ConflictDeclaration.objects.filter(
            expert_id__in=expert_ids
        ).values_list("expert_id", "organisation_id", "application_id", "reason"):
            if org_id is not None:
                index.declared_orgs.setdefault(expert_id, {})[org_id] = reason
            if app_id is not None:
                index.declared_apps.setdefault(expert_id, {})[app_id] = reason

        affiliated = {org for orgs in index.affiliations.values() for org in orgs}
        if affiliated:
            past = ConsortiumMember.objects.exclude(status=ParticipationStatus.DECLINED).filter(
                application__submitted_at__gte=index.since,
                application__submitted_at__lte=at,
            )
            shared = past.filter(organisation_id__in=affiliated).values("application_id")
            consortia: dict = defaultdict(set)
            info: dict = {}
            for app_id, org_id, number, submitted_at in past.filter(
                application_id__in=shared
            ).values_list(
                "application_id",
                "organisation_id",
                "application__number",
                "application__submitted_at",
            ):
                consortia[app_id].add(org_id)
                info[app_id] = _Collaboration(app_id, number, submitted_at)
            for app_id, orgs in consortia.items():
                for mine in orgs & affiliated:
                    known = index.collaborators.setdefault(mine, {})
                    for other in orgs:
                        if other == mine:
                            continue
                        previous = known.get(other)
                        if previous is None or previous.submitted_at < info[app_id].submitted_at:
                            known[other] = info[app_id]
        index._invert()
        return index

    def _invert(self) -> None:
        by_org: dict = defaultdict(set)
        for expert_id, orgs in self.affiliations.items():
            for org in orgs:
                by_org[org].add(expert_id)
                for other in self.collaborators.get(org, ()):
                    by_org[other].add(expert_id)
        for expert_id, orgs in self.declared_orgs.items():
            for org in orgs:
                by_org[org].add(expert_id)
        by_app: dict = defaultdict(set)
        for expert_id, apps in self.declared_apps.items():
            for app in apps:
                by_app[app].add(expert_id)
        self._by_org = dict(by_org)
        self._by_app = dict(by_app)

    def conflicted_experts(self, application_id) -> set:
        """The ids of the experts (among those indexed) in conflict with the application."""
        found = set(self._by_app.get(application_id, ()))
        for org in self.members.get(application_id, ()):
            found |= self._by_org.get(org, set())
        return found

    def is_conflicted(self, expert_id, application_id) -> bool:
        return bool(self._reason_codes(expert_id, application_id))

    def _reason_codes(self, expert_id, application_id) -> list[tuple]:
        codes: list[tuple] = []
        members = self.members.get(application_id, {})
        mine = self.affiliations.get(expert_id, {})
        for org, how in mine.items():
            if org in members:
                codes.append(("affiliated", org, members[org], how))
        for org, reason in self.declared_orgs.get(expert_id, {}).items():
            if org in members:
                codes.append(("declared_org", org, members[org], reason))
        reason = self.declared_apps.get(expert_id, {}).get(application_id)
        if reason is not None:
            codes.append(("declared_app", None, None, reason))
        for org in mine:
            if org in members:
                continue  # already an affiliation
            for other, collaboration in self.collaborators.get(org, {}).items():
                if other in members and collaboration.application_id != application_id:
                    codes.append(("worked_together", other, org, collaboration))
        return codes

    def reasons(self, expert_id, application_id) -> list[str]:
        """Why the expert is in conflict with the application, one sentence per conflict
        (empty: no conflict)."""
        codes = self._reason_codes(expert_id, application_id)
        if not codes:
            return []
        org_ids = {c[1] for c in codes if c[1]} | {c[2] for c in codes if c[0] == "worked_together"}
        names = {o.pk: o.name for o in Organisation.objects.filter(pk__in=org_ids)}
        out = []
        for kind, org, extra, detail in codes:
            name = names.get(org, "")
            if kind == "affiliated":
                if extra == "lead":
                    text = _("The expert is affiliated with the lead applicant «%(org)s».")
                else:
                    text = _("The expert is affiliated with the consortium member «%(org)s».")
                out.append(text % {"org": name})
            elif kind == "declared_org":
                text = _("The expert declared a conflict of interest with «%(org)s».")
                out.append(_join(text % {"org": name}, detail))
            elif kind == "declared_app":
                text = _("The expert declared a conflict of interest with this application.")
                out.append(_join(text, detail))
            else:
                out.append(
                    _(
                        "The expert's organisation «%(mine)s» and the consortium member "
                        "«%(org)s» applied together (application %(number)s, submitted on "
                        "%(date)s) within the last %(years)d years."
                    )
                    % {
                        "mine": names.get(extra, ""),
                        "org": name,
                        "number": detail.number or "—",
                        "date": date_format(timezone.localtime(detail.submitted_at).date()),
                        "years": WORKED_TOGETHER_YEARS,
                    }
                )
        return out


def _join(sentence: str, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{sentence} {reason}" if reason else sentence


def conflicts_of(
    expert: Expert, application: Application, *, at: datetime.datetime | None = None
) -> list[str]:
    """Why ``expert`` may not review ``application``.

    Args: expert; application; at: the moment "the last 3 years" counts back from (now).
    Returns: one sentence per conflict; an empty list when there is none."""
    index = ConflictIndex.build([application], [expert], at=at)
    return index.reasons(expert.pk, application.pk)


def conflicts_for_call(call, *, experts=None, at=None, states=None) -> ConflictIndex:
    """The batch form: the conflict index of every application of ``call`` (only those in
    ``states`` when given) against ``experts`` (every active expert by default), in a few
    queries."""
    applications = Application.objects.filter(call=call)
    if states:
        applications = applications.filter(state__in=list(states))
    return ConflictIndex.build(applications.values_list("pk", flat=True), experts, at=at)
