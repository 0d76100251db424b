"""Automatic assignment of experts to a call's applications, and the competence match.

``assign_automatically`` reads the call's applications in review, the active experts, the
existing assignments and the conflict index in a few bulk queries, picks experts greedily in
memory and writes the new assignments with one ``bulk_create``: no query per pair, so a call of
2,000 applications and 500 experts is assigned in well under 5 seconds.

The greedy pass, deterministic for the same data:

- rounds: each application needing reviewers gets at most one expert per round, so the best
  experts' capacity is shared between applications instead of going to the first ones;
- within a round, the applications with the fewest possible experts go first;
- for an application, the best expert is the most competent, then the least loaded in this
  call, then the earliest in the pool; never one in conflict, at their load cap, already
  assigned to it (or who declined it), or without any competence for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.audit import record_event
from innocluster.core.errors import NotPermitted
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application, Call

from .choices import AssignmentStatus
from .conflicts import ConflictIndex
from .models import Assignment, Expert
from .permissions import may_manage_review

WORD = re.compile(r"[^\W_]+", re.UNICODE)
STEM_LENGTH = 5
STOP_WORDS = frozenset(
    [
        "и",
        "в",
        "во",
        "на",
        "по",
        "с",
        "со",
        "к",
        "о",
        "об",
        "от",
        "до",
        "из",
        "за",
        "для",
        "при",
        "не",
        "без",
        "или",
        "а",
        "но",
        "что",
        "как",
        "это",
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "for",
        "to",
        "in",
        "on",
        "with",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "be",
        "its",
        "их",
        "его",
        "её",
    ]
)
KEYWORDS_COUNTED = 3  # matched keywords beyond this add no more competence


def stem(word: str) -> str:
    """A crude stem that makes Russian and English inflections meet («двойники», «двойника» →
    «двойн»; "robotics", "robot" → "robot"): the word casefolded, ё as е, cut to 5 letters."""
    return word.casefold().replace("ё", "е")[:STEM_LENGTH]


def stems(text: str) -> set[str]:
    """The stems of the words of ``text``, without stop words."""
    return {stem(w) for w in WORD.findall(text or "") if w.casefold() not in STOP_WORDS}


def keyword_stems(keywords) -> list[tuple[str, ...]]:
    """Each keyword (a word or a phrase) as the tuple of its words' stems."""
    out = []
    for keyword in keywords or ():
        if isinstance(keyword, str):
            words = tuple(sorted(stems(keyword)))
            if words:
                out.append(words)
    return out


def competence(areas, keywords: list[tuple[str, ...]], priority_area: str, text: set[str]):
    """How well an expert fits an application, from 0 to 1: half for the application's
    priority area among the expert's areas, half for keywords found in its title and summary
    (a phrase matches when all its words do; each of up to three keywords counts a third).

    Returns: (competence as a ``Decimal`` with 3 places, area matched, keywords matched)."""
    area = bool(priority_area) and priority_area in (areas or ())
    matched = _matched(keywords, text)
    return _value(_tier(area, matched)), area, matched


def _matched(keywords: list[tuple[str, ...]], text: set[str]) -> int:
    return sum(1 for words in keywords if all(w in text for w in words))


def _tier(area: bool, matched: int) -> int:
    """Competence in sixths (0 to 6): three for the area, one per keyword up to three."""
    return (KEYWORDS_COUNTED if area else 0) + min(matched, KEYWORDS_COUNTED)


def _value(tier: int) -> Decimal:
    return Decimal(f"{tier / (2 * KEYWORDS_COUNTED):.3f}")


def competence_of(expert: Expert, application: Application) -> Decimal:
    """The competence match of one expert for one application (see :func:`competence`)."""
    text = stems(f"{application.title} {application.summary}")
    return competence(
        expert.areas, keyword_stems(expert.keywords), application.priority_area, text
    )[0]


@dataclass
class ShortApplication:
    """An application that did not get enough reviewers, and why."""

    application_id: object
    number: str
    needed: int  # reviewers the call asks for
    active: int  # active (non-declined) assignments after the run
    conflicted: int  # experts in conflict
    without_competence: int  # unconflicted experts with no competence for it
    at_capacity: int  # competent, unconflicted experts at their load cap
    already: int  # experts already assigned to it or who declined it

    @property
    def reason(self) -> str:
        return _(
            "%(active)d of %(needed)d reviewers: no other competent expert without a conflict "
            "has capacity (%(conflicted)d in conflict, %(without)d without the competence, "
            "%(capacity)d at their load cap, %(already)d already assigned or declined)."
        ) % {
            "active": self.active,
            "needed": self.needed,
            "conflicted": self.conflicted,
            "without": self.without_competence,
            "capacity": self.at_capacity,
            "already": self.already,
        }


@dataclass
class AssignmentReport:
    """What an automatic assignment did."""

    applications: int = 0  # in review
    complete_before: int = 0  # already had enough active assignments
    created: int = 0  # new assignments
    experts_used: int = 0  # experts given at least one new assignment
    assigned: dict = field(default_factory=dict)  # application id -> new assignments
    short: list[ShortApplication] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "applications": self.applications,
            "complete_before": self.complete_before,
            "created": self.created,
            "experts_used": self.experts_used,
            "short": [
                {
                    "application": str(s.application_id),
                    "number": s.number,
                    "needed": s.needed,
                    "active": s.active,
                    "reason": s.reason,
                }
                for s in self.short
            ],
        }


@dataclass
class _Candidate:
    index: int  # place in the pool (the last tie-break)
    expert_id: object
    cap: int
    load: int


def assign_automatically(call: Call, *, actor, require_competence: bool = True) -> AssignmentReport:
    """Give every application of ``call`` in review the call's number of reviewers.

    Only applications in state ``in_review`` with fewer active (non-declined) assignments than
    ``call.reviewers_per_application`` get new ones; active experts only; never an expert in
    conflict (``conflicts``), at their load cap (active assignments in this call), already
    assigned to the application or who declined it; with ``require_competence`` (the default)
    never one without any competence for it (neither its area nor a keyword). Records one audit
    event per application that got experts and one for the call.

    Args: call; actor: an operator; require_competence.
    Returns: an ``AssignmentReport`` (counts, and the applications left short with why).
    Raises: ``NotPermitted`` for anyone but the Fund's operators; nothing changes then."""
    allowed, reason = may_manage_review(actor)
    if not allowed:
        raise NotPermitted(reason)
    report = AssignmentReport()
    with transaction.atomic():
        # One run at a time per call (PostgreSQL; SQLite serialises writers anyway).
        call = Call.objects.select_for_update().get(pk=call.pk)
        needed = call.reviewers_per_application
        apps = list(
            Application.objects.filter(call=call, state=ApplicationState.IN_REVIEW)
            .order_by("number", "pk")
            .values_list("pk", "number", "title", "summary", "priority_area")
        )
        report.applications = len(apps)
        if not apps:
            _audit_call(actor, call, report)
            return report
        # Locking the pool's rows serialises this run with manual assignments (load caps).
        experts = list(
            Expert.objects.filter(active=True)
            .select_for_update()
            .order_by("created_at", "pk")
            .values_list("pk", "areas", "keywords", "load_cap")
        )
        # Every assignment of this call's applications: who is taken, and each expert's load.
        taken: dict = {}  # application id -> expert ids assigned or declined
        active: dict = {}  # application id -> active assignments
        load: dict = {}  # expert id -> active assignments in this call
        for app_id, expert_id, status in Assignment.objects.filter(
            application__call=call
        ).values_list("application_id", "expert_id", "status"):
            taken.setdefault(app_id, set()).add(expert_id)
            if status != AssignmentStatus.DECLINED:
                active[app_id] = active.get(app_id, 0) + 1
                load[expert_id] = load.get(expert_id, 0) + 1

        todo = [a for a in apps if active.get(a[0], 0) < needed]
        report.complete_before = len(apps) - len(todo)
        index = ConflictIndex.build([a[0] for a in todo], [e[0] for e in experts])

        pool = [
            _Candidate(i, pk, cap, load.get(pk, 0))
            for i, (pk, _areas, _kw, cap) in enumerate(experts)
        ]
        area_sets: dict = {}
        by_stem: dict = {}
        expert_keywords = []
        for i, (_pk, areas, keywords, _cap) in enumerate(experts):
            for area in areas or ():
                area_sets.setdefault(area, set()).add(i)
            kws = keyword_stems(keywords)
            expert_keywords.append(kws)
            for words in kws:
                by_stem.setdefault(words[0], set()).add(i)

        # Each application's possible experts, most competent first (the load decides later).
        plans = []
        for app_id, number, title, summary, area in todo:
            text = stems(f"{title} {summary}")
            conflicted = index.conflicted_experts(app_id)
            already = taken.get(app_id, set())
            # Experts with a keyword whose first word is in the text; only they can match one.
            hits: set = set()
            for s in text:
                hits |= by_stem.get(s, set())
            area_experts = area_sets.get(area, set())
            indices = sorted(area_experts | hits) if require_competence else range(len(experts))
            candidates = []
            for i in indices:
                pk = experts[i][0]
                if pk in conflicted or pk in already:
                    continue
                matched = _matched(expert_keywords[i], text) if i in hits else 0
                tier = _tier(i in area_experts, matched)
                if require_competence and not tier:
                    continue
                candidates.append((-tier, i))
            candidates.sort()
            plans.append(
                {
                    "app": app_id,
                    "number": number,
                    "text": text,
                    "area": area,
                    "missing": needed - active.get(app_id, 0),
                    "candidates": candidates,
                    "chosen": [],
                }
            )

        # Rounds: one expert per application per round, the most constrained first.
        plans.sort(key=lambda p: (len(p["candidates"]), p["number"], str(p["app"])))
        open_plans = [p for p in plans if p["missing"] > 0]
        while open_plans:
            still = []
            for plan in open_plans:
                best = None
                best_key = None
                for negative, i in plan["candidates"]:
                    if best is not None and negative > best_key[0]:
                        break  # the rest are less competent
                    cand = pool[i]
                    if cand.load >= cand.cap or i in plan["chosen"]:
                        continue
                    key = (negative, cand.load, i)
                    if best_key is None or key < best_key:
                        best, best_key = cand, key
                if best is None:
                    continue
                best.load += 1
                plan["chosen"].append(best.index)
                plan.setdefault("values", []).append(_value(-best_key[0]))
                plan["missing"] -= 1
                if plan["missing"] > 0:
                    still.append(plan)
            open_plans = still

        now = timezone.now()
        rows = []
        used = set()
        for plan in plans:
            for i, value in zip(plan["chosen"], plan.get("values", []), strict=True):
                rows.append(
                    Assignment(
                        application_id=plan["app"],
                        expert_id=experts[i][0],
                        automatic=True,
                        competence=value,
                        assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
                        assigned_at=now,
                    )
                )
                used.add(i)
            if plan["chosen"]:
                report.assigned[plan["app"]] = len(plan["chosen"])
        Assignment.objects.bulk_create(rows, batch_size=1000)
        report.created = len(rows)
        report.experts_used = len(used)

        for plan in plans:
            if plan["chosen"]:
                record_event(
                    actor=actor,
                    action="review.assigned_automatically",
                    obj=Application(pk=plan["app"]),
                    after={"experts": [str(experts[i][0]) for i in plan["chosen"]]},
                    summary=_("%(n)d experts assigned automatically.") % {"n": len(plan["chosen"])},
                )
            if plan["missing"] > 0:
                report.short.append(
                    _why_short(plan, needed, experts, expert_keywords, pool, index, taken)
                )
        _audit_call(actor, call, report)
        _tell_experts(call, [experts[i][0] for i in used])
    return report


def _tell_experts(call: Call, expert_ids: list) -> None:
    """One notification per expert given new applications of ``call`` (one bulk insert)."""
    if not expert_ids:
        return
    from innocluster.accounts.models import User
    from innocluster.core.notifications import notify

    notify(
        list(User.objects.filter(expert__pk__in=expert_ids)),
        "review.assigned",
        gettext_lazy("New applications of the call “%(call)s” to review"),
        body=gettext_lazy("Your assignments are on the page “My reviews”."),
        params={"call": call.title_ru},
        url="/review/",
        obj=call,
    )


def _why_short(plan, needed, experts, expert_keywords, pool, index, taken) -> ShortApplication:
    conflicted = index.conflicted_experts(plan["app"])
    already = taken.get(plan["app"], set())
    counts = {"conflicted": 0, "without": 0, "capacity": 0, "already": 0}
    for i, (pk, areas, _keywords, _cap) in enumerate(experts):
        if pk in already or i in plan["chosen"]:
            counts["already"] += 1
        elif pk in conflicted:
            counts["conflicted"] += 1
        elif not competence(areas, expert_keywords[i], plan["area"], plan["text"])[0]:
            counts["without"] += 1
        elif pool[i].load >= pool[i].cap:
            counts["capacity"] += 1
    return ShortApplication(
        application_id=plan["app"],
        number=plan["number"],
        needed=needed,
        active=needed - plan["missing"],
        conflicted=counts["conflicted"],
        without_competence=counts["without"],
        at_capacity=counts["capacity"],
        already=counts["already"],
    )


def _audit_call(actor, call, report: AssignmentReport) -> None:
    record_event(
        actor=actor,
        action="review.assign_automatically",
        obj=call,
        after={k: v for k, v in report.as_dict().items() if k != "short"}
        | {"short": [str(s.application_id) for s in report.short]},
        summary=_(
            "Automatic assignment: %(created)d assignments; %(short)d applications short of "
            "reviewers."
        )
        % {"created": report.created, "short": len(report.short)},
    )
