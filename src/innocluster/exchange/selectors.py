"""Reads of challenges and solutions, always scoped to what the viewer may see.

Who sees a challenge at all (``visible_challenges``): its owner's people always (drafts too);
once published, everyone when it is public or under NDA, and only the people of admitted
organisations and the Fund's staff when it is for members. The challenges of an owner no longer
admitted (suspended, withdrawn) only its own people and the Fund's staff see. Everyone else
gets 404.

Who reads its protected fields (``models.PROTECTED_FIELDS``: details, expected result,
requirements) is decided by ONE function, :func:`protected_text_visible_to`: every page, the
API, the exports and the notices ask it. Under NDA that is the owner's people and the people of
organisations that accepted the NDA and are still admitted (a suspended or withdrawn
organisation reads no more); the Fund's staff are no party to the NDA and do not read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404

from innocluster.registry.choices import ADMITTED_STATUSES
from innocluster.registry.models import Organisation

from .choices import ChallengeStatus, SolutionStatus, Visibility
from .models import Challenge, NdaAcceptance, Solution
from .permissions import is_fund_staff, organisation_ids


@dataclass
class Viewer:
    """What a list needs to know about its reader once, instead of once per row."""

    actor: object = None
    staff: bool = False
    org_ids: set = field(default_factory=set)  # any role
    admitted: bool = False  # belongs to an admitted organisation
    _accepted: set | None = None

    @classmethod
    def of(cls, actor) -> Viewer:
        if isinstance(actor, Viewer):
            return actor
        ids = organisation_ids(actor)
        admitted = (
            bool(ids)
            and Organisation.objects.filter(pk__in=ids, status__in=ADMITTED_STATUSES).exists()
        )
        return cls(actor=actor, staff=is_fund_staff(actor), org_ids=ids, admitted=admitted)

    @property
    def member(self) -> bool:
        """May see members-only challenges."""
        return self.staff or self.admitted

    def accepted(self) -> set:
        """Ids of the challenges whose NDA one of the viewer's organisations accepted while
        admitted: an organisation suspended or withdrawn since no longer reads under it."""
        if self._accepted is None:
            self._accepted = (
                set(
                    NdaAcceptance.objects.filter(
                        organisation_id__in=self.org_ids,
                        organisation__status__in=ADMITTED_STATUSES,
                    ).values_list("challenge_id", flat=True)
                )
                if self.org_ids
                else set()
            )
        return self._accepted


def visible_challenges(actor) -> QuerySet[Challenge]:
    """The challenges ``actor`` may see at all (drafts only its owner's people)."""
    viewer = Viewer.of(actor)
    audiences = [Visibility.PUBLIC, Visibility.NDA]
    if viewer.member:
        audiences.append(Visibility.MEMBERS)
    published = ~Q(status=ChallengeStatus.DRAFT) & Q(visibility__in=audiences)
    if not viewer.staff:
        published &= Q(owner__status__in=ADMITTED_STATUSES)
    return Challenge.objects.filter(published | Q(owner_id__in=viewer.org_ids)).select_related(
        "owner"
    )


def may_see_challenge(actor, challenge: Challenge) -> bool:
    viewer = Viewer.of(actor)
    if challenge.owner_id in viewer.org_ids:
        return True
    if challenge.status == ChallengeStatus.DRAFT:
        return False
    if not viewer.staff and challenge.owner.status not in ADMITTED_STATUSES:
        return False
    return challenge.visibility != Visibility.MEMBERS or viewer.member


def protected_text_visible_to(actor, challenge: Challenge) -> bool:
    """Whether ``actor`` (a user, an API token, or a :class:`Viewer`) may read the challenge's
    protected fields. The one rule every read path follows."""
    viewer = Viewer.of(actor)
    if not may_see_challenge(viewer, challenge):
        return False
    if challenge.visibility != Visibility.NDA:
        return True
    if challenge.owner_id in viewer.org_ids:
        return True
    return challenge.pk in viewer.accepted()


def challenge_for(actor, challenge_id) -> Challenge:
    """The challenge if ``actor`` may see it; 404 otherwise (also for a malformed id)."""
    challenge = visible_challenges(actor).filter(pk=_uuid(challenge_id)).first()
    if challenge is None:
        raise Http404
    return challenge


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def listed_challenges(actor, **filters) -> QuerySet[Challenge]:
    """The public list: published challenges ``actor`` may see (drafts are in "mine"), newest
    first, filtered."""
    queryset = visible_challenges(actor).exclude(status=ChallengeStatus.DRAFT)
    queryset = _filter_json(queryset, filters)
    return queryset.order_by("-published_at", "-created_at")


def _filter_json(queryset, filters):
    """Filters over the JSON lists (areas, offers) work alike on SQLite and PostgreSQL by
    matching the quoted code inside the stored list's text."""
    area = filters.pop("area", "")
    offer = filters.pop("offer", "")
    status = filters.get("status", "")
    visibility = filters.get("visibility", "")
    trl = filters.get("trl")
    if status:
        queryset = queryset.filter(status=status)
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if trl:
        queryset = queryset.filter(Q(trl_min__isnull=True) | Q(trl_min__lte=trl))
    if area:
        queryset = queryset.filter(pk__in=_ids_with(queryset, "priority_areas", area))
    if offer:
        queryset = queryset.filter(pk__in=_ids_with(queryset, "owner_offers", offer))
    return queryset


def _ids_with(queryset, name: str, code: str):
    """Rows whose JSON list ``name`` holds ``code`` (its text holds the quoted code)."""
    text = Cast(name, TextField())
    return queryset.annotate(_codes=text).filter(_codes__contains=f'"{code}"').values("pk")


def my_challenges(actor) -> QuerySet[Challenge]:
    """The challenges of the actor's organisations, drafts included."""
    ids = organisation_ids(actor)
    return (
        Challenge.objects.filter(owner_id__in=ids)
        .select_related("owner")
        .annotate(solution_count=Count("solutions"))
        .order_by("-created_at")
    )


def visible_solutions(actor) -> QuerySet[Solution]:
    """Solutions of challenges the actor's organisations own, and the actor's organisations'
    own solutions. Nobody else sees a solution, the Fund's staff included."""
    ids = organisation_ids(actor)
    return Solution.objects.filter(
        Q(challenge__owner_id__in=ids) | Q(responder_id__in=ids)
    ).select_related("challenge__owner", "responder")


def solution_for(actor, solution_id) -> Solution:
    solution = visible_solutions(actor).filter(pk=_uuid(solution_id)).first()
    if solution is None:
        raise Http404
    return solution


def my_solutions(actor) -> QuerySet[Solution]:
    ids = organisation_ids(actor)
    return (
        Solution.objects.filter(responder_id__in=ids)
        .select_related("challenge__owner", "responder")
        .order_by("-created_at")
    )


def pipeline(challenge: Challenge) -> dict:
    """The challenge's solutions by status (the owner's pipeline), each status a column."""
    columns = {status.value: [] for status in SolutionStatus}
    for solution in challenge.solutions.select_related("responder").order_by("created_at"):
        columns[solution.status].append(solution)
    return columns


def pipeline_counts(challenge: Challenge) -> dict:
    counts = dict.fromkeys([s.value for s in SolutionStatus], 0)
    for row in challenge.solutions.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def side_of(actor, solution: Solution):
    """The organisation ``actor`` speaks for on this solution: the owner or the responder
    (None when neither)."""
    ids = organisation_ids(actor)
    if solution.challenge.owner_id in ids:
        return solution.challenge.owner
    if solution.responder_id in ids:
        return solution.responder
    return None


def challenge_status_label(status: str) -> str:
    return str(ChallengeStatus(status).label) if status in ChallengeStatus.values else status


def solution_status_label(status: str) -> str:
    return str(SolutionStatus(status).label) if status in SolutionStatus.values else status
