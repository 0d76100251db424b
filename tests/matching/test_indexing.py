"""The index follows the registry and the exchange: what is published appears, what is not
never does, edits show, unpublished items are marked removed, NDA details stay out."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from innocluster.matching import indexing
from innocluster.matching.models import MatchDocument
from innocluster.matching.text import analyse
from innocluster.registry.models import Organisation, PriorityArea
from tests.matching.search_factories import ChallengeFactory, ProductFactory, TechnologyFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def doc(obj):
    return MatchDocument.objects.filter(object_id=obj.pk).first()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the index's on-commit work as a committed transaction would."""

    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


def test_a_member_organisation_appears_with_its_names_codes_and_areas(committed):
    org = committed(lambda: MemberOrganisationFactory(description_ru="Беспилотные системы"))
    committed(lambda: org.priority_areas.add("ict", "transport"))
    row = doc(org)
    assert row.kind == "organisation" and row.audience == "public" and not row.removed
    assert row.title == org.name_ru and row.title_translated == org.name_en
    assert row.owner_id == org.pk
    assert row.areas == "ict transport"
    assert row.okved.split()[0] == "62.01" and row.region == "RU-MOW"
    assert row.org_kind == "company" and row.status == "member"
    assert set(analyse("беспилотные")) <= set(row.terms.split())
    # The OKVED code's name is searchable too (62.01: software development).
    assert "Беспилотные системы" in row.public_text


def test_an_applicant_is_not_indexed(committed):
    org = committed(lambda: OrganisationFactory(status="applicant"))
    assert doc(org) is None


def test_a_published_product_offer_and_challenge_appear(committed):
    product = committed(ProductFactory)
    offer = committed(TechnologyFactory)
    challenge = committed(ChallengeFactory)
    p, t, c = doc(product), doc(offer), doc(challenge)
    assert (p.kind, p.trl, p.areas, p.language) == ("product", 7, "ict", "en")
    assert (t.kind, t.trl, t.org_kind) == ("technology", 5, "university")
    assert t.okved.split()[0] == "85.22"
    assert "RU 2712345 C1" in t.public_text and "микроскоп" in t.public_text
    assert (c.kind, c.trl, c.status, c.audience) == ("challenge", 6, "open", "public")
    assert "Склад площадью" in c.public_text  # public challenge: its details are searchable
    assert c.owner_id == challenge.owner_id and c.org_kind == "corporation"


def test_drafts_never_appear(committed):
    assert doc(committed(lambda: ChallengeFactory(status="draft", published_at=None))) is None
    assert doc(committed(lambda: ProductFactory(status="draft"))) is None
    assert doc(committed(lambda: TechnologyFactory(status="draft"))) is None


def test_an_edit_changes_the_row(committed):
    challenge = committed(ChallengeFactory)
    before = doc(challenge)
    challenge.title = "Роботизированная уборка снега"
    committed(challenge.save)
    after = doc(challenge)
    assert after.pk == before.pk and after.title == "Роботизированная уборка снега"
    assert set(analyse("снега")) <= set(after.terms.split())
    assert after.changed_at >= before.changed_at


def test_unpublishing_marks_the_row_removed(committed):
    product = committed(ProductFactory)
    product.status = "archived"
    committed(product.save)
    assert doc(product).removed
    product.status = "published"
    committed(product.save)
    assert not doc(product).removed


def test_a_deleted_item_is_marked_removed(committed):
    product = committed(ProductFactory)
    pk = product.pk
    committed(product.delete)
    assert MatchDocument.objects.get(object_id=pk).removed


def test_a_withdrawn_organisation_is_marked_removed(committed):
    org = committed(MemberOrganisationFactory)
    org.status = "withdrawn"
    committed(org.save)
    assert doc(org).removed


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_a_suspended_or_withdrawn_owners_items_leave_the_index_and_return(committed, status):
    product = committed(ProductFactory)
    challenge = committed(lambda: ChallengeFactory(owner=product.owner))
    owner = product.owner
    owner.status = status
    committed(owner.save)
    assert doc(product).removed and doc(challenge).removed
    owner.status = "member"
    committed(owner.save)
    assert not doc(product).removed and not doc(challenge).removed
    # A full rebuild agrees.
    owner.status = status
    Organisation.objects.filter(pk=owner.pk).update(status=status)
    indexing.reindex_all()
    assert doc(product).removed


def test_a_members_only_challenge_is_for_members(committed):
    challenge = committed(lambda: ChallengeFactory(visibility="members"))
    assert doc(challenge).audience == "members"


def test_nda_details_never_reach_the_index(committed):
    challenge = committed(
        lambda: ChallengeFactory(
            visibility="nda",
            details="Секретный зубробизон",
            expected_result="Криптокварк",
            requirements="Гиперлуп",
        )
    )
    row = doc(challenge)
    for word in ("зубробизон", "Криптокварк", "Гиперлуп"):
        assert word not in row.public_text
        assert not set(analyse(word)) & set(row.terms.split())
    assert challenge.title in row.title and row.audience == "public"


def test_turning_a_challenge_to_nda_takes_its_details_out(committed):
    challenge = committed(lambda: ChallengeFactory(details="Зубробизон на складе"))
    assert "Зубробизон" in doc(challenge).public_text
    challenge.visibility = "nda"
    committed(challenge.save)
    assert "Зубробизон" not in doc(challenge).public_text


def test_an_owner_edit_reaches_its_items(committed):
    product = committed(ProductFactory)
    owner = product.owner
    owner.region_id = "RU-TA"
    owner.kind = "startup"
    committed(owner.save)
    row = doc(product)
    assert (row.region, row.org_kind) == ("RU-TA", "startup")


def test_an_organisations_areas_and_okved_codes_follow_its_links(committed):
    org = committed(MemberOrganisationFactory)
    committed(lambda: org.okved_extra.add("72.19"))
    assert doc(org).okved.split() == ["62.01", "72.19"]
    area = PriorityArea.objects.get(code="medicine")
    committed(lambda: area.organisations.add(org))  # from the other side
    assert "medicine" in doc(org).areas.split()
    committed(lambda: org.priority_areas.clear())
    assert doc(org).areas == ""


def test_a_rolled_back_change_never_reaches_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ProductFactory()
    assert callbacks and not MatchDocument.objects.filter(kind="product").exists()


def test_reindex_all_picks_up_bulk_writes_and_writes_nothing_twice():
    org = MemberOrganisationFactory.build()
    Organisation.objects.bulk_create([org])  # no signals
    product = ProductFactory()
    first = indexing.reindex_all(batch=1)
    assert doc(org) is not None and doc(product) is not None
    assert first.written["organisation"] >= 1 and first.written["product"] == 1
    again = indexing.reindex_all(batch=1)
    assert sum(again.written.values()) == 0
    changed_at = doc(product).changed_at
    Organisation.objects.filter(pk=org.pk).update(status="withdrawn")
    third = indexing.reindex_all()
    assert doc(org).removed and third.removed["organisation"] == 1
    assert doc(product).changed_at == changed_at  # untouched


def test_reindex_all_deletes_rows_removed_long_ago():
    product = ProductFactory()
    indexing.index_object(product)
    pk = product.pk
    product.delete()
    indexing.remove_object("product", pk)
    rows = MatchDocument.objects.filter(object_id=pk)
    assert rows.get().removed
    indexing.reindex_all()
    assert rows.exists()  # kept a while for running matchers
    rows.update(changed_at=timezone.now() - dt.timedelta(hours=2))
    assert indexing.reindex_all().deleted == 1 and not rows.exists()


def test_long_codes_fit_their_columns():
    org = MemberOrganisationFactory()
    from innocluster.registry.models import OkvedCode

    codes = list(OkvedCode.objects.filter(code__contains=".").values_list("code", flat=True)[:150])
    org.okved_extra.add(*codes)
    row = indexing.index_object(org)
    assert 0 < len(row.okved) <= 500 and row.okved.split()[0] == "62.01"


def test_index_object_refuses_what_is_not_searchable(user):
    with pytest.raises(TypeError):
        indexing.index_object(user)


@pytest.fixture
def index_dir(settings, tmp_path):
    """The matcher's snapshot goes to a temporary directory, and its process index is fresh."""
    settings.VAR_DIR = tmp_path
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    from innocluster.matching import index_store

    index_store.reset_for_tests()
    yield tmp_path
    index_store.reset_for_tests()


def test_the_reindex_command_reports_what_it_did(index_dir):
    ProductFactory()
    out = io.StringIO()
    call_command("matching_reindex", "--batch", "50", stdout=out)
    assert "Search index:" in out.getvalue() and "product 1" in out.getvalue()
    assert MatchDocument.objects.filter(kind="product").count() == 1
    assert "Matching index: rebuilt with" in out.getvalue()


def test_the_reindex_command_refuses_a_bad_batch():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch"):
        call_command("matching_reindex", "--batch", "0", stdout=io.StringIO())


def test_the_demo_leaves_an_index(index_dir):
    out = io.StringIO()
    call_command("demo", "--orgs", "8", stdout=out)
    assert "Search index:" in out.getvalue()
    public = Organisation.objects.in_public_registry().count()
    assert public and MatchDocument.objects.filter(kind="organisation").count() == public
