"""Technology offers: universities and research institutes offer them; every refusal names the
field and its rule and changes nothing; edits from an old version are refused; publishing
names what is missing."""

from __future__ import annotations

import pytest
from django.utils import translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.exchange import catalogue_services as services
from innocluster.exchange.models import TechnologyOffer
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftTechnologyFactory,
    InstituteFactory,
    TechnologyOfferFactory,
    UniversityFactory,
    person_of,
)
from tests.registry.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Биоразлагаемый полимер для упаковки",
    "summary": "Полимер на основе полимолочной кислоты, разлагается за 6 месяцев.",
    "description": "Технология синтеза и экструзии, опытная партия 200 кг.",
    "trl": 5,
    "ip_kinds": ["patent"],
    "patent_numbers": ["RU2712345", "2798765"],
    "licensing_terms": "Исключительная лицензия на 5 лет.",
    "priority_areas": ["materials", "environment"],
}


def fields_of(failure) -> dict:
    return {e.field: e.code for e in failure.value.errors}


def test_a_university_offers_a_technology_with_normalised_patents():
    university = UniversityFactory()
    editor = person_of(university)
    offer = services.create_technology(university, COMPLETE, actor=editor)
    assert offer.status == "draft" and offer.version == 1
    assert offer.patent_numbers == ["RU 2712345", "RU 2798765"]
    assert AuditEvent.objects.filter(
        action="exchange.technology_created", object_id=str(offer.pk)
    ).exists()
    offer = services.publish_technology(offer, actor=editor)
    assert offer.status == "published" and offer.published_at is not None


def test_a_research_institute_may_offer_too():
    institute = InstituteFactory()
    offer = services.create_technology(
        institute, {"title": "Know-how", "trl": 3}, actor=person_of(institute, "signatory")
    )
    assert offer.owner == institute


@translation.override("en")  # the refusal is read in English
def test_a_company_may_not_offer_a_technology_and_is_told_why():
    company = CompanyFactory()
    with pytest.raises(NotPermitted) as failure:
        services.create_technology(company, COMPLETE, actor=person_of(company))
    assert "universities and research institutes" in str(failure.value.message)
    assert not TechnologyOffer.objects.exists()


def test_a_viewer_or_stranger_may_not_offer():
    university = UniversityFactory()
    with pytest.raises(NotPermitted):
        services.create_technology(university, COMPLETE, actor=person_of(university, "viewer"))
    with pytest.raises(NotPermitted):
        services.create_technology(university, COMPLETE, actor=person_of(UniversityFactory()))
    assert not TechnologyOffer.objects.exists()


@translation.override("en")  # the refusal is read in English
def test_an_applicant_university_not_yet_admitted_may_not_offer():
    university = OrganisationFactory(kind="university", status="applicant")
    with pytest.raises(NotPermitted) as failure:
        services.create_technology(university, COMPLETE, actor=person_of(university))
    assert "admitted" in str(failure.value.message)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"trl": 5}, {"title": "required"}),
        ({"title": "T"}, {"trl": "required"}),
        ({"title": "T", "trl": 10}, {"trl": "invalid"}),
        ({"title": "T", "trl": "high"}, {"trl": "type"}),
        ({"title": "T", "trl": 4, "ip_kinds": ["trade_secret"]}, {"ip_kinds[0]": "invalid_choice"}),
        (
            {"title": "T", "trl": 4, "priority_areas": ["space"]},
            {"priority_areas[0]": "invalid_choice"},
        ),
        ({"title": "T", "trl": 4, "colour": "red"}, {"colour": "unknown_field"}),
        ({"title": "T\nwo lines", "trl": 4}, {"title": "invalid"}),
        ({"title": "T", "trl": 4, "language": "de"}, {"language": "invalid_choice"}),
        ({"title": "x" * 301, "trl": 4}, {"title": "too_long"}),
        (
            {"title": "T", "trl": 4, "ip_kinds": ["patent"], "patent_numbers": ["12345678"]},
            {"patent_numbers[0]": "invalid_patent_number"},
        ),
        (
            {"title": "T", "trl": 4, "ip_kinds": ["software"], "patent_numbers": ["2712345"]},
            {"patent_numbers": "invalid"},
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(data, expected):
    university = UniversityFactory()
    with pytest.raises(ValidationFailed) as failure:
        services.create_technology(university, data, actor=person_of(university))
    assert fields_of(failure) == expected
    assert not TechnologyOffer.objects.exists()


def test_publishing_an_incomplete_offer_names_every_missing_field():
    university = UniversityFactory()
    editor = person_of(university)
    offer = services.create_technology(
        university, {"title": "Сенсор", "trl": 4, "ip_kinds": ["patent"]}, actor=editor
    )
    with pytest.raises(ValidationFailed) as failure:
        services.publish_technology(offer, actor=editor)
    assert set(fields_of(failure)) == {
        "summary",
        "description",
        "priority_areas",
        "patent_numbers",
        "licensing_terms",
    }
    offer.refresh_from_db()
    assert offer.status == "draft" and offer.published_at is None


def test_publishing_without_any_ip_names_ip_kinds():
    university = UniversityFactory()
    editor = person_of(university)
    data = {**COMPLETE, "ip_kinds": [], "patent_numbers": []}
    offer = services.create_technology(university, data, actor=editor)
    with pytest.raises(ValidationFailed) as failure:
        services.publish_technology(offer, actor=editor)
    assert set(fields_of(failure)) == {"ip_kinds"}


def test_create_and_publish_at_once_must_be_complete():
    university = UniversityFactory()
    with pytest.raises(ValidationFailed) as failure:
        services.create_technology(
            university, {"title": "T", "trl": 4}, actor=person_of(university), publish=True
        )
    assert "summary" in fields_of(failure)
    assert not TechnologyOffer.objects.exists()


def test_an_edit_from_an_older_version_is_refused():
    offer = DraftTechnologyFactory()
    editor = person_of(offer.owner)
    offer = services.update_technology(offer, {"trl": 7}, actor=editor, version=1)
    assert offer.version == 2 and offer.trl == 7
    with pytest.raises(Conflict) as failure:
        services.update_technology(offer, {"trl": 3}, actor=editor, version=1)
    assert failure.value.code == "stale_version"
    offer.refresh_from_db()
    assert offer.trl == 7 and offer.version == 2


def test_only_the_owners_people_edit():
    offer = DraftTechnologyFactory()
    for stranger in (person_of(UniversityFactory()), person_of(offer.owner, "viewer")):
        with pytest.raises(NotPermitted):
            services.update_technology(offer, {"trl": 2}, actor=stranger, version=1)
        with pytest.raises(NotPermitted):
            services.publish_technology(offer, actor=stranger)
        with pytest.raises(NotPermitted):
            services.archive_technology(offer, actor=stranger)
    offer.refresh_from_db()
    assert offer.trl == 6 and offer.status == "draft"


def test_a_published_offer_stays_complete():
    offer = TechnologyOfferFactory()
    editor = person_of(offer.owner)
    with pytest.raises(ValidationFailed) as failure:
        services.update_technology(offer, {"patent_numbers": []}, actor=editor, version=1)
    assert fields_of(failure) == {"patent_numbers": "required"}
    offer.refresh_from_db()
    assert offer.patent_numbers == ["RU 2712345 C1"]


def test_archive_and_publish_again():
    offer = TechnologyOfferFactory()
    editor = person_of(offer.owner, "owner")
    offer = services.archive_technology(offer, actor=editor, reason="Лицензия продана")
    assert offer.status == "archived"
    with pytest.raises(Conflict) as failure:
        services.update_technology(offer, {"trl": 8}, actor=editor, version=offer.version)
    assert failure.value.code == "archived"
    with pytest.raises(Conflict):
        services.archive_technology(offer, actor=editor)
    offer = services.publish_technology(offer, actor=editor)
    assert offer.status == "published"
    with pytest.raises(Conflict) as failure:
        services.publish_technology(offer, actor=editor)
    assert failure.value.code == "already_published"
    actions = set(
        AuditEvent.objects.filter(object_id=str(offer.pk)).values_list("action", flat=True)
    )
    assert {"exchange.technology_archived", "exchange.technology_published"} <= actions
