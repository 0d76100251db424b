from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What an indexed document stands for."""

    ORGANISATION = "organisation", _("Organisation")
    PRODUCT = "product", _("Product or service")
    TECHNOLOGY = "technology", _("Technology offer")
    CHALLENGE = "challenge", _("Challenge")


class Audience(models.TextChoices):
    """Who may find an indexed document in search and matches."""

    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Cluster members")  # people of admitted organisations, and the Fund
