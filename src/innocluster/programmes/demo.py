"""Demo data of joint projects: a programme with calls in every phase, applications at every
stage of their workflow, an expert pool with submitted reviews, a board session with signed
minutes, and projects in implementation, implemented and terminated, with reported KPIs.
``registry.demo.run`` calls :func:`run` after the documents' demo.

Everything goes through the real services (``programmes.calls``, ``programmes.services``,
``review``, ``projects.services``) as the people involved would do it: the Fund's operator
configures calls, screens, assigns and records decisions; each lead's signatory drafts, submits
and signs; each partner's signatory signs its consent; experts score; board members vote and
sign the minutes; the Fund's director countersigns agreements and acts. The demo plays the
signatories with keys of their own and platform certificates (``documents.demo``), so every
document is really signed and verifies.

Time. The services check the server's clock (a submission only while the call is open, a
milestone due in the future), so a closed call is created open, its applications are
submitted, and then its dates (published, opens, deadline) are moved into the past with
``queryset.update()``, as are the applications' ``submitted_at`` and ``decided_at`` once they
are decided (and, for the decided call, its experts' assignment and review dates), so the
history and the "days to decision" KPI read plausibly. Nothing else is written directly: every
state comes from a service. Signed documents keep the real time of their signatures (their
timestamps are part of what is verified), and the projects of the decided call start on the
day the demo runs, with milestones due from then on.

What it makes (``full``: the extras of a demo of 100 organisations or more):

- a draft call (not published), an upcoming one, an open one (the demo member's own draft,
  partly filled in, and its submitted application; ``full``: two more submitted);
- a closed call, long decided: implemented projects (every report accepted and paid, KPI
  values reported), a project in implementation (its first report accepted and paid), an
  agreement signed by the lead and waiting for the Fund, a terminated project, an approved
  application, a waitlisted one and one rejected by the board (``full``: a second implemented
  project, a second rejection by the board, one rejected at screening);
- a closed call in progress: applications in screening, returned for revision (the demo
  member's, with the reasons), in review with some reviews in (the demo expert's still to do),
  and one reviewed and waiting for the board, one of its experts having declined (``full``:
  one more of each but the revision).

How long: 37 PDF documents and 12 JSON ones (``full``: 59 and 20), most of the time taken by
rendering the PDFs; measured (2 cores shared with other work, November 2026) 20-30 s without
the extras and 21-35 s with them on SQLite, 32-43 s with them on PostgreSQL.

Idempotent: a call whose code exists is left alone, so a second run makes nothing new. A run
stopped half-way leaves its last call incomplete (a fresh database makes it whole again).
Signing's effects (a consent confirming its partner, a signed agreement starting the project)
run after the signing transaction commits, so the demo must run outside a transaction: inside
one (e.g. the registry's tests) :func:`run` does nothing and says why.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from innocluster.accounts.models import User
from innocluster.registry.choices import MembershipStatus, OrgRole, SmeCategory
from innocluster.registry.models import Organisation, OrganisationRole

from .demo_data import (
    APPLICATIONS,
    BOARD,
    CALLS,
    COMMENTS,
    COSTS,
    CRITERIA,
    EXPERTS,
    FORM_FIELDS,
    MILESTONES,
    REASONS,
    REQUIRED_DOCUMENTS,
    SUMMARIES,
)
from .models import Application, Call, Programme

PROGRAMME_CODE = "joint-projects"
FORM_CODE = "joint-project-application"
EMAIL_DOMAIN = "demo.innocluster.local"
SEED = 20261127
SME = (SmeCategory.MICRO, SmeCategory.SMALL, SmeCategory.MEDIUM)
ZERO = Decimal(0)


@dataclass
class JointProjectsDemoResult:
    """What one run made."""

    calls: int = 0
    applications: int = 0
    seconds: float = 0.0
    skipped: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def _rub(mln) -> Decimal:
    return (Decimal(str(mln)) * 1_000_000).quantize(Decimal("0.01"))


def _at(now, days) -> datetime.datetime:
    return now + datetime.timedelta(days=days)


class _Demo:
    """One run: the people, the pools of organisations and the signatories' keys."""

    def __init__(self, accounts: dict, member_org: Organisation, full: bool):
        from innocluster.documents.demo import DemoSignatories
        from innocluster.documents.fund import add_fund_signatory, fund_organisation

        self.operator = accounts["fund_operator"]
        self.director = accounts["fund_director"]
        self.member_user = accounts["member"]
        self.expert_user = accounts["expert"]
        self.board_user = accounts["board_member"]
        self.member_org = member_org
        self.full = full
        self.fund = fund_organisation()
        add_fund_signatory(self.director)
        # The demo member user signs for their company in the browser too.
        OrganisationRole.objects.get_or_create(
            organisation=member_org, user=self.member_user, role=OrgRole.SIGNATORY
        )
        self.signatories = DemoSignatories()
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate()
        special = [member_org.pk, self.fund.pk]
        admitted = (
            Organisation.objects.filter(inn__isnull=False, member_number__isnull=False)
            .exclude(pk__in=special)
            .order_by("member_number")
        )
        self.leads = list(admitted.filter(status=MembershipStatus.MEMBER)[:40])
        self.partners = list(
            admitted.filter(
                status__in=[MembershipStatus.MEMBER, MembershipStatus.PARTNER], sme_category__in=SME
            )
            .exclude(pk__in=[o.pk for o in self.leads[:20]])
            .order_by("-member_number")[:40]
        )
        if len(self.partners) < 2:  # a tiny registry: any admitted SME will do
            self.partners = [o for o in self.leads if o.sme_category in SME]
        self.next_lead = 0
        self.next_partner = 0

    # people ----------------------------------------------------------------------------------

    def signatory(self, organisation: Organisation) -> User:
        from innocluster.documents.demo import demo_signatory

        if organisation.pk == self.member_org.pk:
            return self.member_user
        return demo_signatory(organisation)

    def sign(self, document, organisation: Organisation, user: User | None = None) -> None:
        self.signatories.sign(document, user or self.signatory(organisation), organisation)

    def _person(self, local: str, name: str, role: str) -> User:
        email = f"{local}@{EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, platform_role=role)
            user.set_unusable_password()
            user.save()
        return user

    def experts(self) -> None:
        """The demo expert and six more, with competences across the areas."""
        from innocluster.review.models import Expert
        from innocluster.review.services import create_expert

        for local, name, areas, keywords in EXPERTS:
            user = self.expert_user if local is None else self._person(local, name, "expert")
            if not Expert.objects.filter(user=user).exists():
                create_expert(user, areas=areas, keywords=keywords, actor=self.operator)

    def board(self) -> list[User]:
        """The demo board member and two more; each signs the minutes for the Fund."""
        members = [self.board_user] + [self._person(e, n, "board_member") for e, n in BOARD]
        for user in members:
            OrganisationRole.objects.get_or_create(
                organisation=self.fund, user=user, role=OrgRole.VIEWER
            )
        return members

    def consortium(self, own: bool) -> tuple[Organisation, list[Organisation]]:
        """The lead (the demo member's company when ``own``) and one or two partners, at least
        one of them an SME (the calls' rule)."""
        if own:
            lead = self.member_org
        else:
            lead = self.leads[self.next_lead % len(self.leads)]
            self.next_lead += 1
        count = 2 if self.rng.random() < 0.35 else 1
        partners: list[Organisation] = []
        for _tries in range(2 * len(self.partners)):
            candidate = self.partners[self.next_partner % len(self.partners)]
            self.next_partner += 1
            if candidate.pk != lead.pk and candidate not in partners:
                partners.append(candidate)
            if len(partners) == count:
                break
        return lead, partners

    def too_small(self) -> str:
        """Why the registry cannot hold the demo's consortia, or ""."""
        if not self.leads or len(self.partners) < 2:
            return "too few member organisations and SMEs for the demo's consortia"
        return ""

    # calls -------------------------------------------------------------------------------------

    def programme(self):
        from . import calls

        programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
        if programme is None:
            programme = calls.create_programme(
                actor=self.operator,
                code=PROGRAMME_CODE,
                name_ru="Гранты на совместные проекты участников кластера",
                name_en="Grants for joint projects of cluster members",
                description_ru="Фонд поддерживает совместные проекты консорциумов участников "
                "кластера в приоритетных направлениях: от прототипа до выхода на рынок.",
                description_en="The Fund supports joint projects of consortia of cluster "
                "members in the priority areas, from the prototype to the market.",
            )
        from .models import ApplicationForm

        form = ApplicationForm.objects.filter(code=FORM_CODE).first()
        if form is None:
            form, version = calls.create_form(
                actor=self.operator,
                code=FORM_CODE,
                name="Заявка на совместный проект",
                fields=FORM_FIELDS,
            )
        else:
            version = form.versions.order_by("-number").first()
        return programme, version

    def call(self, key: str, programme, version) -> Call:
        """The call, created (for a closed one: open now, its dates moved back later)."""
        from . import calls

        code, days, title_ru, title_en, areas, budget, max_grant = CALLS[key]
        _published, opens, deadline = days
        if key.startswith("closed"):
            opens, deadline = -1, 40  # open while its applications are submitted
        call = calls.create_call(
            programme,
            {
                "code": code,
                "title_ru": title_ru,
                "title_en": title_en,
                "description_ru": f"Отбор совместных проектов консорциумов участников кластера: "
                f"{title_ru.lower()}. Консорциум из 2–4 организаций, не менее одного субъекта "
                "МСП; софинансирование не менее 25 % бюджета проекта.",
                "description_en": f"A call for joint projects of consortia of cluster members: "
                f"{title_en.lower()}. Consortia of 2 to 4 organisations with at least one SME; "
                "co-financing of at least 25 % of the project's budget.",
                "opens_at": _at(self.now, opens),
                "deadline": _at(self.now, deadline),
                "budget_rub": _rub(budget),
                "max_grant_rub": _rub(max_grant),
                "priority_areas": areas,
                "innovation_types": ["technological", "service"],
                "min_members": 2,
                "max_members": 4,
                "min_sme_members": 1,
                "lead_must_be_member": True,
                "cofinancing_min_share": Decimal("0.25"),
                "form_version": version,
                "required_documents": REQUIRED_DOCUMENTS,
                "reviewers_per_application": 3,
                "disagreement_threshold": Decimal("25"),
            },
            actor=self.operator,
        )
        calls.set_criteria(call, CRITERIA, actor=self.operator)
        if key != "draft":
            call = calls.publish_call(call, actor=self.operator)
        if key in ("open", "upcoming"):  # announced some days ago
            Call.objects.filter(pk=call.pk).update(published_at=_at(self.now, _published))
            call.refresh_from_db()
        return call

    def close(self, call: Call, key: str) -> None:
        """Move a closed call's dates to where its history puts them."""
        published, opens, deadline = CALLS[key][1]
        Call.objects.filter(pk=call.pk).update(
            published_at=_at(self.now, published),
            opens_at=_at(self.now, opens),
            deadline=_at(self.now, deadline),
        )
        call.refresh_from_db()

    # applications ------------------------------------------------------------------------------

    def application(self, call: Call, spec) -> Application:
        """Draft, fill in and (unless a draft) submit one application; consents signed."""
        from . import services

        _key, fate, title, area, grant_mln, _quality, own, _full = spec
        lead, partners = self.consortium(own)
        signer = self.signatory(lead)
        summary, novelty = SUMMARIES[area]
        application = services.create_application(
            call,
            lead,
            actor=signer,
            title=title,
            summary=summary.format(t=title.lower()),
            priority_area=area,
            innovation_type="technological" if self.rng.random() < 0.7 else "service",
        )
        answers = {
            "summary": summary.format(t=title.lower()),
            "novelty": novelty,
            "trl": self.rng.randint(4, 7),
            "market": self.rng.choice(["b2b", "b2g", "b2g", "b2c"]),
            "ip_owned": True,
        }
        if fate == "draft":  # partly filled in: the details, some answers, a partner invited
            answers = {"summary": answers["summary"], "trl": 4}
            services.save_answers(
                application, answers, actor=signer, expected_version=application.version
            )
            services.invite_partner(application, partners[0].inn, actor=signer)
            return application
        services.save_answers(
            application, answers, actor=signer, expected_version=application.version
        )
        grant = _rub(grant_mln)
        milestones = self._milestones(grant)
        services.save_milestones(
            application, milestones, actor=signer, expected_version=application.version
        )
        services.save_budget(
            application,
            self._budget(grant, milestones),
            actor=signer,
            expected_version=application.version,
        )
        services.save_kpi_targets(
            application, self._targets(grant), actor=signer, expected_version=application.version
        )
        for code, name in (("charter", "Устав"), ("financials", "Бухгалтерская отчетность 2025")):
            text = f"{name}: {lead.name_ru} (ИНН {lead.inn}). Демонстрационный документ.\n"
            services.add_attachment(
                application, code, f"{name}.txt", text.encode("utf-8"), actor=signer
            )
        for partner in partners:
            member = services.invite_partner(application, partner.inn, actor=signer)
            consent = services.send_consent(member, actor=signer)
            self.sign(consent, partner)
        application.refresh_from_db()
        services.move(application, "submit", actor=signer)
        self.sign_submission(application, lead)
        return application

    def sign_submission(self, application: Application, lead: Organisation) -> None:
        """The lead's signatory signs the submission (its PDF and its JSON data)."""
        from innocluster.documents.choices import IN_FLIGHT_STATUSES
        from innocluster.documents.models import Document

        from .services import APPLICATION_LINK, SUBMISSION_DOC_TYPE

        documents = Document.objects.filter(
            links__object_type=APPLICATION_LINK,
            links__object_id=str(application.pk),
            doc_type=SUBMISSION_DOC_TYPE,
            status__in=list(IN_FLIGHT_STATUSES),
        ).order_by("created_at")
        for document in documents:
            self.sign(document, lead)

    def _milestones(self, grant: Decimal) -> list[dict]:
        count = 3 if grant >= _rub(20) else 2
        days = [75, 200, 330][:count]
        shares = [Decimal("0.4"), Decimal("0.6")] if count == 2 else [Decimal("0.3")] * 2
        tranches = [(grant * s).quantize(Decimal("1000")) for s in shares[: count - 1]]
        tranches.append(grant - sum(tranches))
        return [
            {
                "title": MILESTONES[i][0] if count == 3 or i == 0 else MILESTONES[2][0],
                "deliverables": MILESTONES[i][1] if count == 3 or i == 0 else MILESTONES[2][1],
                "due_on": (self.today + datetime.timedelta(days=days[i])).isoformat(),
                "tranche_rub": str(tranches[i]),
            }
            for i in range(count)
        ]

    def _budget(self, grant: Decimal, milestones: list[dict]) -> list[dict]:
        """The grant by category and year (a quarter this year, the rest in the year of the
        last milestone), with the participants' co-financing at half the grant (a third of the
        budget)."""
        last_year = datetime.date.fromisoformat(milestones[-1]["due_on"]).year
        years = [(self.today.year, Decimal("0.25")), (last_year, Decimal("0.75"))]
        if last_year == self.today.year:
            years = [(last_year, Decimal(1))]
        cells = [(c, Decimal(s) * w, y) for c, s in COSTS for y, w in years]
        lines, left_grant, left_cof = [], grant, grant / 2
        for index, (category, part, year) in enumerate(cells):
            last = index == len(cells) - 1
            g = left_grant if last else (grant * part).quantize(Decimal("1000"))
            c = left_cof if last else (grant / 2 * part).quantize(Decimal("1000"))
            left_grant -= g
            left_cof -= c
            lines.append(
                {
                    "category": category,
                    "year": year,
                    "grant_rub": str(g.quantize(Decimal("0.01"))),
                    "cofinancing_rub": str(c.quantize(Decimal("0.01"))),
                }
            )
        return lines

    def _targets(self, grant: Decimal) -> list[dict]:
        mln = grant / 1_000_000
        return [
            {"kpi": "jobs", "target": int(mln * Decimal("0.8")) + 4},
            {"kpi": "revenue_rub", "target": str((grant * Decimal("2.5")).quantize(Decimal(1)))},
            {"kpi": "taxes_rub", "target": str((grant * Decimal("0.45")).quantize(Decimal(1)))},
            {"kpi": "patents", "target": 1 + int(mln) // 10},
            {"kpi": "products", "target": 1 + int(mln) // 15},
        ]

    # review and the board ----------------------------------------------------------------------

    def screen(self, application: Application, fate: str) -> None:
        from .services import move

        if fate == "submitted":
            return
        move(application, "start_screening", actor=self.operator)
        if fate == "screening":
            return
        if fate == "revision_requested":
            move(application, "request_revision", actor=self.operator, reason=REASONS["revision"])
        elif fate == "screening_rejected":
            move(application, "reject", actor=self.operator, reason=REASONS["screening_reject"])
        else:
            move(application, "pass_screening", actor=self.operator)

    def review(self, application: Application, quality: float, leave: int = 0) -> None:
        """The assigned experts score it; ``leave`` reviews stay to do (the demo expert's
        first)."""
        from innocluster.review.choices import AssignmentStatus
        from innocluster.review.models import Assignment
        from innocluster.review.scoring import save_review

        assignments = list(
            Assignment.objects.filter(application=application, status=AssignmentStatus.ASSIGNED)
            .select_related("expert__user")
            .order_by("assigned_at", "pk")
        )
        assignments.sort(key=lambda a: a.expert.user_id != self.expert_user.pk)
        for assignment in assignments[leave:]:
            scores, comments = {}, {}
            for criterion in CRITERIA:
                value = round(quality * 10 + self.rng.uniform(-1.2, 1.2))
                scores[criterion["code"]] = max(0, min(10, value))
                band = "high" if value >= 8 else "mid" if value >= 5 else "low"
                comments[criterion["code"]] = self.rng.choice(COMMENTS[band])
            comments[""] = (
                "Рекомендую к поддержке." if quality >= 0.7 else "Поддержка возможна после доработки."
                if quality >= 0.5 else "Не рекомендую к поддержке."
            )  # fmt: skip
            save_review(
                assignment,
                actor=assignment.expert.user,
                scores=scores,
                comments=comments,
                submit=True,
            )

    def decline_one(self, made) -> None:
        """An expert of the first application on its way to the board declines it (no
        capacity this month), so the operators see a declined assignment and its reason."""
        from innocluster.review.models import Assignment
        from innocluster.review.services import decline_assignment

        boarded = [a for a, spec in made if spec[1] == "board"]
        assignment = (
            Assignment.objects.filter(application__in=boarded[:1], status="assigned")
            .exclude(expert__user=self.expert_user)
            .select_related("expert__user")
            .order_by("assigned_at", "pk")
            .first()
        )
        if assignment is not None:
            decline_assignment(
                assignment,
                actor=assignment.expert.user,
                reason="capacity",
                comment="В этом месяце уже рецензирую пять заявок другого конкурса.",
            )

    def board_session(self, call: Call, fates: dict, held_on: datetime.date) -> None:
        """The board decides on every application before it; the members sign the minutes."""
        from innocluster.documents.models import Document
        from innocluster.review.board import (
            cast_vote,
            close_session,
            create_session,
            record_decision,
        )

        members = self.board()
        session = create_session(call, held_on=held_on, members=members, actor=self.operator)
        for decision in session.decisions.select_related("application").order_by("position"):
            fate = fates[decision.application_id]
            outcome = {"rejected": "rejected", "waitlisted": "waitlisted"}.get(fate, "approved")
            for index, member in enumerate(members):
                vote = "for" if outcome == "approved" else "against"
                if outcome == "waitlisted":
                    vote = "for" if index == 0 else "abstain"
                cast_vote(decision, member=member, vote=vote)
            # The grant requested: the milestones' tranches add up to it.
            grant = decision.requested_rub if outcome == "approved" else None
            reasons = {"rejected": REASONS["board_reject"], "waitlisted": REASONS["waitlist"]}
            record_decision(
                decision,
                outcome=outcome,
                grant_rub=grant,
                reasons=reasons.get(outcome, ""),
                actor=self.operator,
            )
        session = close_session(session, actor=self.operator)
        minutes = Document.objects.get(pk=session.minutes_document_id)
        for member in members:
            self.sign(minutes, self.fund, member)

    # projects ----------------------------------------------------------------------------------

    def project(self, application: Application, fate: str, number: int) -> None:
        """From the approved application to the project's fate."""
        from innocluster.documents.models import Document
        from innocluster.documents.signing import countersign_as_fund
        from innocluster.projects import services as projects
        from innocluster.projects.models import Agreement

        if fate == "approved":
            return
        project = projects.prepare_agreement(application, actor=self.operator)
        agreement = Agreement.objects.get(project=project, kind="main")
        document = Document.objects.get(pk=agreement.document_id)
        self.sign(document, application.lead)
        if fate == "agreement":  # signed by the lead, waiting for the Fund's director
            return
        countersign_as_fund(Document.objects.get(pk=document.pk), self.director)
        project.refresh_from_db()
        milestones = list(application.milestones.order_by("number"))
        reported = {"completed": len(milestones), "in_implementation": 1, "terminated": 0}[fate]
        for milestone in milestones[:reported]:
            self.report(project, milestone, application, number)
        if fate == "in_implementation":  # the next report is being written
            projects.save_report(
                project,
                milestones[1],
                actor=self.signatory(application.lead),
                summary="Пилотное внедрение начато; отчет готовится.",
                kpi_values={"jobs": "2"},
                expected_version=0,
            )
        if fate == "terminated":
            projects.terminate(project, actor=self.operator, reason=REASONS["terminate"])

    def report(self, project, milestone, application: Application, number: int) -> None:
        """The lead reports the milestone, the Fund accepts it (the act signed by the
        director) and pays its tranche."""
        from innocluster.documents.models import Document
        from innocluster.documents.signing import countersign_as_fund
        from innocluster.projects import services as projects
        from innocluster.projects.models import Tranche

        # The results add up to 110 % of the targets: 40 % over the interim reports, 70 % in
        # the final one.
        targets = {t.kpi: t.target for t in application.kpi_targets.all()}
        count = application.milestones.count()
        final = milestone.number == count
        share = Decimal("0.7") if final else Decimal("0.4") / max(count - 1, 1)
        values = {
            code: str((target * share).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            for code, target in targets.items()
        }
        signer = self.signatory(application.lead)
        report = projects.save_report(
            project,
            milestone,
            actor=signer,
            summary=f"{milestone.title}: выполнено. {milestone.deliverables}. Результаты "
            "подтверждены документами, приложенными к отчету.",
            kpi_values=values,
            expected_version=0,
        )
        evidence = f"{milestone.deliverables}: {application.number}, этап {milestone.number}.\n"
        projects.add_evidence(
            report, f"Отчет по этапу {milestone.number}.txt", evidence.encode(), actor=signer
        )
        projects.submit_report(report, actor=signer)
        act = projects.accept_report(report, actor=self.operator)
        countersign_as_fund(Document.objects.get(pk=act.pk), self.director)
        tranche = Tranche.objects.get(project=project, milestone=milestone)
        projects.record_payment(
            tranche,
            actor=self.operator,
            reference=f"ПП № {4100 + number * 10 + milestone.number}",
        )

    # whole calls -------------------------------------------------------------------------------

    def specs(self, key: str) -> list:
        return [s for s in APPLICATIONS if s[0] == key and (self.full or not s[7])]

    def empty_call(self, key: str, programme, version) -> int:
        """The draft and the upcoming call: no applications yet."""
        self.call(key, programme, version)
        return 0

    def closed_and_assigned(self, key: str, programme, version) -> tuple:
        """A closed call's applications, screened, with reviewers assigned: the call and its
        (application, spec) pairs."""
        from innocluster.review.assignment import assign_automatically

        call = self.call(key, programme, version)
        made = [(self.application(call, spec), spec) for spec in self.specs(key)]
        self.close(call, key)
        for application, spec in made:
            self.screen(application, spec[1])
        assign_automatically(call, actor=self.operator)
        return call, made

    def closed_done(self, key: str, programme, version) -> int:
        """A closed call taken all the way: review, the board, projects."""
        call, made = self.closed_and_assigned(key, programme, version)
        deadline = call.deadline
        for application, spec in made:
            if spec[1] != "screening_rejected":
                self.review(application, spec[5])
                self._move(application, "send_to_board")
        fates = {a.pk: spec[1] for a, spec in made}
        decided = deadline + datetime.timedelta(days=55)
        self.board_session(call, fates, timezone.localdate(decided))
        for number, (application, spec) in enumerate(made, start=1):
            if spec[1] not in ("rejected", "waitlisted", "screening_rejected"):
                application.refresh_from_db()
                self.project(application, spec[1], number)
        self._history(made, deadline, decided)
        self._review_history(call, deadline)
        return len(made)

    def closed_review(self, key: str, programme, version) -> int:
        """A closed call in progress: screening, revision, review, the board's agenda."""
        from innocluster.review.assignment import assign_automatically

        call, made = self.closed_and_assigned(key, programme, version)
        self.decline_one(made)
        assign_automatically(call, actor=self.operator)  # a replacement, if one is free
        first_in_review = True
        for application, spec in made:
            if spec[1] == "in_review":
                # Some reviews are in; the demo expert's is still to do on the first one.
                self.review(application, spec[5], leave=2 if first_in_review else 1)
                first_in_review = False
            elif spec[1] == "board":
                self.review(application, spec[5])
                self._move(application, "send_to_board")
        self._history(made, call.deadline, None)
        return len(made)

    def open_call(self, key: str, programme, version) -> int:
        """The open call: the demo member's draft and submitted applications."""
        call = self.call(key, programme, version)
        for spec in self.specs(key):
            self.application(call, spec)
        return len(self.specs(key))

    def _move(self, application: Application, action: str) -> None:
        from .services import move

        application.refresh_from_db()
        move(application, action, actor=self.operator)

    def _review_history(self, call: Call, deadline) -> None:
        """The experts were assigned three weeks after the deadline and answered within a
        month, before the board sat (55 days after the deadline)."""
        from innocluster.review.models import Assignment, Review

        for assignment in Assignment.objects.filter(application__call=call).order_by("pk"):
            assigned = deadline + datetime.timedelta(days=20, hours=self.rng.randint(0, 8))
            answered = assigned + datetime.timedelta(days=self.rng.randint(5, 25))
            Assignment.objects.filter(pk=assignment.pk).update(
                assigned_at=assigned, answered_at=answered if assignment.answered_at else None
            )
            Review.objects.filter(assignment=assignment, submitted_at__isnull=False).update(
                submitted_at=answered
            )

    def _history(self, made, deadline, decided) -> None:
        """Submissions a few days before the deadline; decisions when the board sat (a
        rejection at screening a few weeks after the deadline)."""
        for application, spec in made:
            back = datetime.timedelta(days=self.rng.randint(1, 12), hours=self.rng.randint(0, 9))
            changes = {"submitted_at": deadline - back}
            application.refresh_from_db(fields=["decided_at"])
            if application.decided_at is not None and decided is not None:
                screened = spec[1] == "screening_rejected"
                changes["decided_at"] = (
                    deadline + datetime.timedelta(days=18) if screened else decided
                )
            Application.objects.filter(pk=application.pk).update(**changes)


def run(accounts: dict, member_org: Organisation, *, full: bool = True) -> JointProjectsDemoResult:
    """Make the joint-projects demo that is not there yet (see the module's docstring).

    Args:
        accounts: the demo users by role (``fund_operator``, ``fund_director``, ``member``,
            ``expert``, ``board_member``).
        member_org: the demo member user's company (it leads some applications).
        full: the extras of a larger demo (a second implemented project, more applications).

    Returns:
        A ``JointProjectsDemoResult``: the calls and applications made now, the seconds taken,
        or why nothing was done (inside a transaction).
    """
    result = JointProjectsDemoResult()
    began = time.perf_counter()
    if connection.in_atomic_block:
        result.skipped = "inside a transaction: signing's effects run only after commit"
        return result
    demo = _Demo(accounts, member_org, full)
    result.skipped = demo.too_small()
    if result.skipped:
        return result
    programme, version = demo.programme()
    demo.experts()
    steps = {
        "draft": demo.empty_call,
        "upcoming": demo.empty_call,
        "open": demo.open_call,
        "closed_done": demo.closed_done,
        "closed_review": demo.closed_review,
    }
    for key, step in steps.items():
        if Call.objects.filter(code=CALLS[key][0]).exists():
            continue
        step_began = time.perf_counter()
        result.applications += step(key, programme, version)
        result.calls += 1
        result.timings[key] = time.perf_counter() - step_began
    result.seconds = time.perf_counter() - began
    return result


def states_present() -> set[str]:
    """The application states the demo's calls hold (for checks and tests)."""
    codes = [spec[0] for spec in CALLS.values()]
    return set(
        Application.objects.filter(call__code__in=codes).values_list("state", flat=True).distinct()
    )


__all__ = ["CALLS", "JointProjectsDemoResult", "run", "states_present"]
