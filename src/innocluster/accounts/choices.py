from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformRole(models.TextChoices):
    """What a person does on the platform as a whole (organisation roles are separate)."""

    MEMBER = "member", _("Member user")  # an ordinary user acting for organisations
    FUND_OPERATOR = (
        "fund_operator",
        _("Fund operator"),
    )  # screens applications, runs the back office
    EXPERT = "expert", _("Expert")  # reviews applications
    BOARD_MEMBER = "board_member", _("Board member")  # decides on support
    TESTSITE_OWNER = "testsite_owner", _("Test-site owner")  # a city body offering pilots
    ADMINISTRATOR = "administrator", _("Administrator")  # runs the installation


class TokenScope(models.TextChoices):
    """What an API token may do."""

    READ = "read", _("Read the registry and reference data")
    JOIN = "join", _("Submit membership applications on behalf of applicants")
    PROFILE = "profile", _("Edit the organisation's own profile")
    DOCUMENTS = (
        "documents",
        _("Create, sign, reject and revoke the organisation's documents"),
    )
