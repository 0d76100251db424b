"""Factories of applications for the programmes tests: a programme, an open call with a form,
applications, their members, and a builder of an application that is ready to submit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from innocluster.core.models import AuditEvent
from innocluster.documents.models import Document
from innocluster.programmes import services
from innocluster.programmes.choices import MemberRole, ParticipationStatus
from innocluster.programmes.models import (
    Application,
    ApplicationForm,
    Call,
    ConsortiumMember,
    FormVersion,
    Programme,
)
from innocluster.registry.models import OrganisationRole
from tests.accounts.factories import UserFactory
from tests.programmes.call_factories import FIELDS
from tests.registry.factories import MemberOrganisationFactory, PartnerOrganisationFactory

REQUIRED_DOCUMENTS = [{"code": "charter", "name_ru": "Устав", "name_en": "Charter"}]


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"joint-{n}")
    name_ru = "Совместные проекты"
    name_en = "Joint projects"


class ApplicationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationForm

    code = factory.Sequence(lambda n: f"app-form-{n}")
    name = "Joint project application"


class FormVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormVersion

    form = factory.SubFactory(ApplicationFormFactory)
    number = 1
    fields = factory.LazyFunction(lambda: [dict(f) for f in FIELDS])


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open now: it opened yesterday and closes in 10 days."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"jp-{n}")
    title_ru = "Конкурс совместных проектов"
    title_en = "Joint projects call"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    budget_rub = Decimal("100000000.00")
    max_grant_rub = Decimal("10000000.00")
    priority_areas = factory.LazyFunction(lambda: ["ict", "medicine"])
    innovation_types = factory.LazyFunction(lambda: ["technological"])
    min_members = 2
    max_members = 3
    min_sme_members = 1
    lead_must_be_member = True
    cofinancing_min_share = Decimal("0.2000")
    form_version = factory.SubFactory(FormVersionFactory)
    required_documents = factory.LazyFunction(lambda: [dict(d) for d in REQUIRED_DOCUMENTS])


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application (made directly; the lead is its confirmed first member)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    lead = factory.SubFactory(MemberOrganisationFactory)
    title = "Цифровой двойник производственной линии"
    priority_area = "ict"
    innovation_type = "technological"

    @factory.post_generation
    def _lead_member(obj, create, extracted, **kwargs):
        if create:
            ConsortiumMember.objects.create(
                application=obj,
                organisation=obj.lead,
                role=MemberRole.LEAD,
                status=ParticipationStatus.CONFIRMED,
            )


def person(organisation, role="editor"):
    """A user with ``role`` in ``organisation``."""
    user = UserFactory()
    OrganisationRole.objects.create(organisation=organisation, user=user, role=role)
    return user


class Team:
    """An open call, a lead member with an editor and a signatory, and a partner organisation
    (an SME partner from another region) with its signatory."""

    def __init__(self, **call_fields):
        self.call = CallFactory(**call_fields)
        self.lead = MemberOrganisationFactory(sme_category="large", employees=400)
        self.editor = person(self.lead, "editor")
        self.signatory = person(self.lead, "signatory")
        self.partner = PartnerOrganisationFactory(sme_category="small")
        self.partner_signatory = person(self.partner, "signatory")

    def new_application(self, **fields) -> Application:
        return services.create_application(
            self.call,
            self.lead,
            actor=self.editor,
            title=fields.pop("title", "Цифровой двойник производственной линии"),
            summary=fields.pop("summary", "Платформа цифровых двойников для заводов."),
            priority_area=fields.pop("priority_area", "ict"),
            innovation_type=fields.pop("innovation_type", "technological"),
        )


def future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def good_budget(year: int | None = None) -> list[dict]:
    """Grant 3,000,000 and co-financing 1,000,000 (25 %)."""
    year = year or timezone.localdate().year
    return [
        {"category": "salaries", "year": year, "grant_rub": "2000000", "cofinancing_rub": "500000"},
        {
            "category": "equipment",
            "year": year,
            "grant_rub": "1000000.00",
            "cofinancing_rub": 500000,
        },
    ]


def good_milestones() -> list[dict]:
    """Two milestones this year or next whose tranches add up to the good budget's grant."""
    return [
        {
            "title": "Прототип",
            "deliverables": "Прототип и протокол испытаний",
            "due_on": future(60).isoformat(),
            "tranche_rub": "1500000",
        },
        {
            "title": "Пилотное внедрение",
            "deliverables": "Акт внедрения",
            "due_on": future(120).isoformat(),
            "tranche_rub": "1500000",
        },
    ]


GOOD_ANSWERS = {"summary": "Цифровые двойники для станков", "trl": 5, "market": "b2b"}
GOOD_KPIS = [{"kpi": "jobs", "target": 12}, {"kpi": "revenue_rub", "target": "50000000"}]


def fill_in(team: Team, application: Application) -> Application:
    """Every section filled in so that the application is ready to submit, but for the
    partner's confirmation (invited, not yet confirmed)."""
    actor = team.editor
    services.save_answers(
        application, GOOD_ANSWERS, actor=actor, expected_version=application.version
    )
    services.save_milestones(
        application, good_milestones(), actor=actor, expected_version=application.version
    )
    years = sorted({datetime.date.fromisoformat(m["due_on"]).year for m in good_milestones()})
    services.save_budget(
        application, good_budget(years[0]), actor=actor, expected_version=application.version
    )
    services.save_kpi_targets(
        application, GOOD_KPIS, actor=actor, expected_version=application.version
    )
    services.add_attachment(application, "charter", "Устав.pdf", b"%PDF-1.4 charter", actor=actor)
    services.invite_partner(application, team.partner.inn, actor=actor)
    return application


def confirm_partners_directly(application: Application) -> None:
    """Shortcut for tests that are not about consent: every partner confirmed in the database."""
    application.members.filter(role=MemberRole.PARTNER).update(status=ParticipationStatus.CONFIRMED)


def state_of(application: Application) -> dict:
    """Everything a refused action must leave as it was."""
    fresh = Application.objects.get(pk=application.pk)
    return {
        "row": {
            f.attname: getattr(fresh, f.attname)
            for f in Application._meta.concrete_fields
            if f.attname != "updated_at"
        },
        "members": sorted(fresh.members.values_list("organisation_id", "role", "status")),
        "budget": sorted(
            fresh.budget_lines.values_list("category", "year", "grant_rub", "cofinancing_rub")
        ),
        "milestones": list(fresh.milestones.values_list("number", "due_on", "tranche_rub")),
        "kpis": sorted(fresh.kpi_targets.values_list("kpi", "target")),
        "attachments": sorted(fresh.attachments.values_list("required_document", "sha256")),
        "audit": AuditEvent.objects.count(),
        "documents": Document.objects.count(),
    }


def sign_submission(application: Application, signatory, capture=None) -> None:
    """The lead's signatory signs every document of the last submission (its JSON and PDF),
    as on the documents' page, with the password as the second factor."""
    from innocluster.documents.signing import sign_simple
    from innocluster.programmes.services.documents import submission_documents
    from tests.accounts.factories import PASSWORD

    application.refresh_from_db()
    for document in submission_documents(application).exclude(status="signed"):
        if capture is None:
            sign_simple(document, signatory, password=PASSWORD)
        else:
            with capture(execute=True):
                sign_simple(document, signatory, password=PASSWORD)


def board_decided(application, outcome: str) -> None:
    """What ``review.board.record_decision`` writes before it moves the application: the
    outcome on an open session's agenda (tests/review cover the session itself)."""
    import datetime

    from innocluster.review.models import BoardDecision, BoardSession

    session = BoardSession.objects.filter(call=application.call, closed_at__isnull=True).first()
    session = session or BoardSession.objects.create(
        call=application.call, held_on=datetime.date.today()
    )
    BoardDecision.objects.update_or_create(
        session=session, application=application, defaults={"position": 1, "outcome": outcome}
    )
