"""`innocluster demo`: realistic organisations, users for each role, the integration's token."""

import json
import random
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from innocluster.accounts.models import ApiToken, User
from innocluster.accounts.services import authenticate_token
from innocluster.core.models import AuditEvent, NumberSequence
from innocluster.documents.fund import fund_organisation
from innocluster.registry import demo
from innocluster.registry.identifiers import check_identifiers
from innocluster.registry.models import (
    AnnualRevenue,
    MembershipApplication,
    MembershipStatusChange,
    Organisation,
    OrganisationRole,
)
from innocluster.registry.search import filter_by_words

pytestmark = pytest.mark.django_db

ROLES = {"fund_operator", "expert", "board_member", "testsite_owner", "administrator", "member",
         "fund_director"}  # fmt: skip


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # Six users hashed and checked per run: the production hasher would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def demo_run(var_dir):
    result = demo.run(50, seed=7)
    return result


def read_credentials(var_dir):
    return json.loads((var_dir / "demo-credentials.json").read_text(encoding="utf-8"))


def test_creates_organisations_with_valid_identifiers(demo_run):
    assert demo_run.created_organisations == 50
    # The Fund (documents.fund, a party of the demo's signed documents) is no demo organisation.
    orgs = list(Organisation.objects.exclude(pk=fund_organisation().pk))
    assert len(orgs) >= 50
    for org in orgs:
        _ids, errors = check_identifiers(
            org.legal_form, org.inn, org.ogrn, org.kpp, org.country, org.foreign_registration_number
        )
        assert errors == [], (org.name_ru, org.inn, org.ogrn, [e.message for e in errors])
        assert org.name_ru and org.name_en and org.description_ru and org.description_en
        assert org.okved_main_id and org.okved_section == org.okved_main.section
        assert org.search_document == org.build_search_document()
        if org.legal_form == "foreign":
            assert org.country != "RU" and org.region_id is None
        else:
            assert org.region_id
        if org.is_admitted:
            expected = "member" if org.region_id == settings.CLUSTER_HOME_REGION else "partner"
            assert org.status == expected


def test_membership_history_numbers_and_sequence(demo_run):
    prefix = settings.CLUSTER_MEMBER_NUMBER_PREFIX
    numbers = list(
        Organisation.objects.exclude(member_number=None).values_list("member_number", flat=True)
    )
    assert numbers and all(re.fullmatch(rf"{prefix}-\d{{6}}", n) for n in numbers)
    assert NumberSequence.objects.get(name="member_number").value == max(
        int(n[-6:]) for n in numbers
    )
    for org in Organisation.objects.filter(status__in=["member", "partner"]):
        assert org.member_since and org.member_number
        first = org.status_history.order_by("changed_at").first()
        assert (first.from_status, first.to_status) == ("applicant", org.status)
        assert org.applications.get().status == "approved"
    assert MembershipStatusChange.objects.exists() and AnnualRevenue.objects.exists()
    assert AuditEvent.objects.filter(action="demo.generated").exists()
    for application in MembershipApplication.objects.filter(status="pending_review"):
        assert application.review_reason
        assert application.organisation.status == "applicant"


def test_credentials_file_format_is_exact(demo_run, var_dir):
    data = read_credentials(var_dir)
    assert set(data) == {"users", "api_token"}
    assert set(data["users"]) == ROLES
    for creds in data["users"].values():
        assert set(creds) == {"email", "password"}
    assert data == demo_run.credentials
    assert oct((var_dir / "demo-credentials.json").stat().st_mode & 0o777) == "0o600"


def test_each_role_signs_in(demo_run, var_dir, client):
    users = read_credentials(var_dir)["users"]
    for role, creds in users.items():
        assert client.login(email=creds["email"], password=creds["password"]), role
        user = User.objects.get(email=creds["email"])
        assert user.email_confirmed
        # The Fund's director is Fund staff (an operator) who signs for the Fund.
        assert user.platform_role == ("fund_operator" if role == "fund_director" else role)
        client.logout()
    admin = User.objects.get(email=users["administrator"]["email"])
    assert admin.is_staff and admin.is_superuser
    member = User.objects.get(email=users["member"]["email"])
    owned = OrganisationRole.objects.get(user=member, role="owner").organisation
    assert owned.status == "member" and owned.member_number


def test_api_token_authenticates_with_read_and_join(demo_run, var_dir):
    token = authenticate_token(read_credentials(var_dir)["api_token"])
    assert token is not None
    assert token.has_scope("read") and token.has_scope("join")
    assert token.organisation.name_ru == demo.INTEGRATION_NAME_RU
    assert not ApiToken.objects.filter(key_hash=read_credentials(var_dir)["api_token"]).exists()


def test_second_run_is_idempotent(demo_run, var_dir):
    first = read_credentials(var_dir)
    orgs, users, tokens = (
        Organisation.objects.count(),
        User.objects.count(),
        ApiToken.objects.count(),
    )
    again = demo.run(50, seed=7)
    assert again.created_organisations == 0
    assert read_credentials(var_dir) == first
    assert (Organisation.objects.count(), User.objects.count(), ApiToken.objects.count()) == (
        orgs,
        users,
        tokens,
    )


def test_token_is_reissued_when_the_saved_key_no_longer_works(demo_run, var_dir):
    old = read_credentials(var_dir)["api_token"]
    ApiToken.objects.update(revoked_at=timezone.now())
    demo.run(50, seed=7)
    new = read_credentials(var_dir)["api_token"]
    assert new != old and authenticate_token(new) is not None


def test_more_organisations_tops_up_and_continues_numbers(demo_run):
    before = Organisation.objects.count()
    last = NumberSequence.objects.get(name="member_number").value
    result = demo.run(80, seed=7)
    assert result.created_organisations == 30
    assert Organisation.objects.count() == before + 30
    assert NumberSequence.objects.get(name="member_number").value > last
    assert (
        Organisation.objects.values("inn").exclude(inn=None).distinct().count()
        == Organisation.objects.exclude(inn=None).count()
    )


def test_word_search_finds_demo_organisations(demo_run):
    everything = Organisation.objects.all()
    some = Organisation.objects.filter(legal_form="legal_entity").first()
    assert filter_by_words(everything, some.inn).filter(pk=some.pk).exists()
    word = some.name_en.split()[0].lower()
    assert filter_by_words(everything, word).filter(pk=some.pk).exists()
    assert filter_by_words(everything, "технологии").count() >= 50
    assert filter_by_words(everything, "technologies").count() >= 50


def test_same_seed_gives_the_same_organisations():
    def names(seed):
        builder = demo._Builder(random.Random(seed), timezone.localdate(), set(), set())
        return [
            (o["name_ru"], o["inn"], o["ogrn"], o["status"])
            for o in (builder.add() for _n in range(20))
        ]

    assert names(1) == names(1)
    assert names(1) != names(2)


def test_command_prints_credentials(var_dir, capsys):
    call_command("demo", "--orgs", "20")
    out = capsys.readouterr().out
    data = read_credentials(var_dir)
    assert data["api_token"] in out
    for creds in data["users"].values():
        assert creds["email"] in out and creds["password"] in out


def test_fast_only_orgs_creates_no_users(var_dir):
    call_command("demo", "--orgs", "10", "--fast-only-orgs")
    assert Organisation.objects.count() == 10
    assert not User.objects.exists()
    assert not (var_dir / "demo-credentials.json").exists()


def test_large_batch_rebuilds_the_indexes_it_deferred(var_dir):
    from django.db import connection

    def indexes():
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            return cursor.fetchall()

    before = indexes()
    _orgs, timings = demo.generate_organisations(5000, seed=3)
    assert Organisation.objects.count() == 5000
    assert indexes() == before
    if connection.vendor == "sqlite":
        assert "indexes" in timings
    some = Organisation.objects.exclude(inn=None).first()
    assert Organisation.objects.filter(inn=some.inn).count() == 1
    assert filter_by_words(Organisation.objects.all(), some.inn).filter(pk=some.pk).exists()
