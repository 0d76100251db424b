"""Users of every platform role (Hypha's role factories)."""

import factory
from django.utils import timezone

from innocluster.accounts.models import User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="ru_RU")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnconfirmedUserFactory(UserFactory):
    email_confirmed_at = None


class FundOperatorFactory(UserFactory):
    platform_role = "fund_operator"


class ExpertFactory(UserFactory):
    platform_role = "expert"


class BoardMemberFactory(UserFactory):
    platform_role = "board_member"


class TestSiteOwnerFactory(UserFactory):
    platform_role = "testsite_owner"


class AdministratorFactory(UserFactory):
    platform_role = "administrator"
