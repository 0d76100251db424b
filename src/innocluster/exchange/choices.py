from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Language(models.TextChoices):
    """The language an item's main text is written in; its translation is in the other one."""

    RU = "ru", _("Russian")
    EN = "en", _("English")


class Visibility(models.TextChoices):
    """Who may read a challenge's full text."""

    PUBLIC = "public", _("Everyone")  # anyone, signed in or not
    MEMBERS = "members", _("Cluster members")  # people of admitted organisations, and the Fund
    # Everyone sees the title and summary; the details, expected result and requirements open
    # only to the owner and to organisations that accepted the challenge's NDA.
    NDA = "nda", _("Details under NDA")


class ChallengeStatus(models.TextChoices):
    """Where a challenge stands. The labels have their own translation context, as have the
    statuses below: the same English words ("Open", "Withdrawn") mean other things elsewhere."""

    DRAFT = "draft", pgettext_lazy("challenge status", "Draft")  # seen by its owner only
    OPEN = "open", pgettext_lazy("challenge status", "Open")  # published, taking solutions
    EVALUATING = (
        "evaluating",
        pgettext_lazy("challenge status", "Evaluating"),
    )  # no longer taking solutions, choosing among them
    PILOTING = (
        "piloting",
        pgettext_lazy("challenge status", "Piloting"),
    )  # a chosen solution is being piloted
    CLOSED = "closed", pgettext_lazy("challenge status", "Closed")  # finished, with an outcome


class ChallengeOutcome(models.TextChoices):
    """How a closed challenge ended."""

    ADOPTED = "adopted", _("A solution was adopted")
    NOT_ADOPTED = "not_adopted", _("No solution was adopted")
    CANCELLED = "cancelled", _("Cancelled by the owner")


class OwnerOffer(models.TextChoices):
    """What a challenge's owner offers the company that solves it."""

    PILOT = "pilot", _("A pilot")
    PURCHASE = "purchase", _("A purchase")
    INVESTMENT = "investment", _("Investment")
    PARTNERSHIP = "partnership", _("A partnership")


class SolutionStatus(models.TextChoices):
    """A solution's place in the challenge owner's pipeline."""

    RECEIVED = (
        "received",
        pgettext_lazy("solution status", "Received"),
    )  # submitted, not yet looked at
    SHORTLISTED = "shortlisted", pgettext_lazy("solution status", "Shortlisted")
    PILOT_PROPOSED = (
        "pilot_proposed",
        pgettext_lazy("solution status", "Pilot proposed"),
    )  # the owner proposes to pilot it
    ACCEPTED = (
        "accepted",
        pgettext_lazy("solution status", "Accepted"),
    )  # the owner adopts it (counts for the KPIs)
    DECLINED = (
        "declined",
        pgettext_lazy("solution status", "Declined"),
    )  # with the owner's feedback to the responder
    WITHDRAWN = (
        "withdrawn",
        pgettext_lazy("solution status", "Withdrawn"),
    )  # taken back by the responder


class IpKind(models.TextChoices):
    """The kinds of intellectual property a technology offer rests on."""

    PATENT = "patent", _("Patent")
    KNOW_HOW = "know_how", _("Know-how")
    SOFTWARE = "software", _("Software")


class ListingStatus(models.TextChoices):
    """Whether a technology offer or a product is listed in the catalogue."""

    DRAFT = "draft", pgettext_lazy("listing status", "Draft")  # seen by its owner only
    PUBLISHED = "published", pgettext_lazy("listing status", "Published")  # listed and searchable
    ARCHIVED = (
        "archived",
        pgettext_lazy("listing status", "Archived"),
    )  # no longer offered; kept for history


class PriceModel(models.TextChoices):
    """How a product or service is priced."""

    FIXED = "fixed", _("Fixed price")
    SUBSCRIPTION = "subscription", _("Subscription")
    PER_UNIT = "per_unit", _("Per unit or per use")
    ON_REQUEST = "on_request", _("On request")
    FREE = "free", _("Free")


class InterestTarget(models.TextChoices):
    """What an expression of interest is about."""

    CHALLENGE = "challenge", _("Challenge")
    TECHNOLOGY = "technology", _("Technology offer")
    PRODUCT = "product", _("Product or service")
