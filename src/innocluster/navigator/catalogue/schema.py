"""The keys of the import format (an institution's and a measure's, in the order an export
writes them) and their kinds: required, money, shares, rates, dates, choices, lists and text
with its length limits. The format itself is described in the package docstring."""

from __future__ import annotations

from ..choices import MeasureForm, MeasureStatus, Purpose, Stage
from ..fields import PRIORITY_AREAS
from ..models import Measure

INSTITUTION_FIELDS = ("code", "name_ru", "name_en", "level", "website")
# A measure's keys, in the order an export writes them.
# fmt: off
MEASURE_FIELDS = (
    "code", "provider", "name_ru", "name_en", "description_ru", "description_en", "form",
    "purposes", "amount_min_rub", "amount_max_rub", "cost_share_max", "amount_note_ru",
    "amount_note_en", "rate_percent_min", "rate_percent_max", "term_months",
    "cofinancing_min_share", "min_project_budget_rub", "priority_areas", "stages", "legal_act",
    "source_url", "as_of", "verified_on", "status", "opens_on", "closes_on", "how_to_apply_ru",
    "how_to_apply_en", "apply_url", "rules",
)
TEXT_NAMES = (
    "name_ru", "name_en", "description_ru", "description_en", "amount_note_ru", "amount_note_en",
    "legal_act", "source_url", "how_to_apply_ru", "how_to_apply_en", "apply_url",
)
# fmt: on
REQUIRED = ("code", "provider", "name_ru", "form")
MONEY_FIELDS = ("amount_min_rub", "amount_max_rub", "min_project_budget_rub")
SHARE_FIELDS = ("cost_share_max", "cofinancing_min_share")
RATE_FIELDS = ("rate_percent_min", "rate_percent_max")
DATE_FIELDS = ("as_of", "verified_on", "opens_on", "closes_on")
PAST_DATES = ("as_of", "verified_on")  # facts checked on a day that has come
LIST_CHOICES = {
    "purposes": tuple(Purpose.values),
    "stages": tuple(Stage.values),
    "priority_areas": PRIORITY_AREAS,
}
CHOICE_FIELDS = {"form": tuple(MeasureForm.values), "status": tuple(MeasureStatus.values)}
# Text fields and their length limits (None: unlimited), as the table has them.
TEXT_FIELDS = {name: Measure._meta.get_field(name).max_length for name in TEXT_NAMES}
