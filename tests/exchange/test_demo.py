"""The exchange's demo: technology offers, products, challenges in every status and visibility
with solutions at every step of the pipeline, messages, NDA acceptances and expressions of
interest, in Russian and English; a second run adds nothing.

The registry's demo (which makes the demo users and their organisations) runs once for the
module, committed, outside the tests' transactions, as in tests/programmes/test_demo.py; the
database is flushed after the module and the reference data put back."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from innocluster.accounts.models import User
from innocluster.core.models import Notification
from innocluster.exchange import demo as exchange_demo
from innocluster.exchange.choices import ChallengeStatus, SolutionStatus, Visibility
from innocluster.exchange.models import (
    Challenge,
    ExpressionOfInterest,
    NdaAcceptance,
    Product,
    Solution,
    SolutionMessage,
    TechnologyOffer,
)
from innocluster.pki.keystore import forget_cached_keys
from innocluster.registry import demo
from innocluster.registry.models import Organisation
from innocluster.registry.reference import load_all
from tests.conftest import IMMEDIATE_TASKS, tmp_document_store

pytestmark = pytest.mark.django_db
MODELS = (TechnologyOffer, Product, Challenge, Solution, SolutionMessage, NdaAcceptance,
          ExpressionOfInterest, Notification, Organisation, User)  # fmt: skip


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def user(role: str) -> User:
    return User.objects.get(email=f"{role.replace('_', '-')}@{demo.EMAIL_DOMAIN}")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    fast = {
        "VAR_DIR": tmp_path_factory.mktemp("var"),
        "TASKS": IMMEDIATE_TASKS,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "DOCUMENT_STORE_DIR": tmp_document_store(),
    }
    with django_db_blocker.unblock(), override_settings(**fast):
        forget_cached_keys()
        try:
            # The registry's demo runs the exchange's too (after the joint projects, skipped
            # here); once more by hand whatever it did, then a second time to see it adds nothing.
            demo.run(30, seed=12, joint_projects=False)
            roles = ("member", "testsite_owner", "fund_operator")
            accounts = {role: user(role) for role in roles}
            member_org = Organisation.objects.get(name_ru="ООО «Демо Инновации»")
            first = exchange_demo.run(accounts, member_org)
            before = counts()
            second = exchange_demo.run(accounts, member_org)
            yield SimpleNamespace(
                first=first, second=second, before=before, after=counts(), member_org=member_org
            )
        finally:
            call_command("flush", interactive=False, verbosity=0)
            load_all()
            forget_cached_keys()


def test_the_catalogue_holds_offers_and_products_in_both_languages(demo_data):
    items = exchange_demo.demo_items()
    technologies = items["technologies"]
    published = technologies.filter(status="published")
    assert published.count() >= 8
    assert {o.owner.kind for o in published} <= {"university", "research_institute"}
    assert any(o.patent_numbers for o in published)
    assert {k for o in published for k in o.ip_kinds} == {"patent", "know_how", "software"}
    assert all(n.startswith("RU ") for o in published for n in o.patent_numbers)
    assert published.exclude(lab_competencies="").exists()
    assert set(technologies.values_list("status", flat=True)) == {"published", "draft", "archived"}
    products = items["products"].filter(status="published")
    assert products.count() >= 12
    assert {a for p in products for a in p.priority_areas} >= {
        "ict", "manufacturing", "materials", "medicine", "biotech", "environment",
        "construction", "energy", "transport", "fintech",
    }  # fmt: skip
    for queryset in (published, products):
        languages = set(queryset.values_list("language", flat=True))
        assert languages == {"ru", "en"}
        assert queryset.filter(language="ru").exclude(title_translated="").exists()
        assert queryset.filter(language="ru", title_translated="").exists()
        assert queryset.filter(language="en", title_translated="").exists()


def test_challenges_in_every_status_and_visibility_with_the_pipeline(demo_data):
    challenges = exchange_demo.demo_items()["challenges"]
    assert set(challenges.values_list("status", flat=True)) == set(ChallengeStatus.values)
    assert set(challenges.values_list("visibility", flat=True)) == set(Visibility.values)
    assert {c.owner.kind for c in challenges} == {"corporation", "city_body"}
    outcomes = set(challenges.filter(status="closed").values_list("outcome", flat=True))
    assert outcomes == {"adopted", "not_adopted", "cancelled"}
    solutions = Solution.objects.filter(challenge__in=challenges)
    assert set(solutions.values_list("status", flat=True)) == set(SolutionStatus.values)
    assert all(s.feedback for s in solutions.filter(status="declined"))
    assert SolutionMessage.objects.filter(solution__in=solutions).count() >= 5
    assert NdaAcceptance.objects.filter(challenge__in=challenges).count() >= 3
    # The demo member's company answered, and one of its solutions is accepted for a pilot.
    own = solutions.filter(responder=demo_data.member_org)
    assert own.filter(status="accepted").exists()
    assert Challenge.objects.filter(owner__roles__user=user("testsite_owner")).exists()


def test_interest_was_sent_and_received_by_the_demo_member(demo_data):
    member_org = demo_data.member_org
    assert ExpressionOfInterest.objects.filter(organisation=member_org).exists()
    assert ExpressionOfInterest.objects.filter(target_owner=member_org).exists()
    assert ExpressionOfInterest.objects.count() >= 8
    assert Notification.objects.filter(
        recipient=user("member"), kind__startswith="exchange.interest"
    ).exists()


def test_a_second_run_adds_nothing(demo_data):
    assert not demo_data.first.skipped
    second = demo_data.second
    assert (second.technologies, second.products, second.challenges, second.interests) == (
        0,
        0,
        0,
        0,
    )
    assert second.organisations == 0
    assert demo_data.before == demo_data.after


def test_the_member_sees_the_exchange_in_both_languages(demo_data, client):
    client.force_login(user("member"))
    inbox = client.get("/exchange/interest/").content.decode()
    assert "Облачная платформа телемедицинских консультаций" in inbox
    products = client.get("/exchange/products/").content.decode()
    assert "Cloud telemedicine" not in products  # Russian readers see the Russian title
    assert "Medical document recognition API" in products  # written in English only
    client.cookies["ic_lang"] = "en"
    products = client.get("/exchange/products/").content.decode()
    assert "Cloud telemedicine consultation platform" in products
    assert client.get("/exchange/").status_code == 200
