"""Import and sync of the catalogue of support measures, and its export.

``innocluster measures import SOURCE`` (or :func:`import_catalogue`) reads measures from a file or
from a partner institution's feed at an http(s) URL, checks every record, and adds or updates
the measures by code. ``innocluster measures export`` writes the catalogue in the same format,
so an export imports back unchanged. docs/navigator-import.md is this reference for operators.

Formats
-------
The format comes from ``--format``, else from the feed's Content-Type (``application/json``,
``application/yaml``/``text/yaml``, ``text/csv``), else from the extension (``.json``,
``.yaml``/``.yml``, ``.csv``). Text is UTF-8 (a feed may name another charset).

JSON and YAML: either a list of measures, or an object::

    {"institutions": [INSTITUTION, ...], "measures": [MEASURE, ...]}

    INSTITUTION: {"code": "fasie", "name_ru": "...", "name_en": "...",
                  "level": "city|regional|federal|other", "website": "https://..."}

CSV: one measure per row, the first row naming the columns (the keys below). List fields
(``purposes``, ``priority_areas``, ``stages``) are separated by ``;``; ``rules`` is the rule as
a JSON string; ``provider`` is an institution's code (the institution must exist already: CSV
carries no institutions).

A measure's keys (only ``code``, ``provider``, ``name_ru`` and ``form`` are required)::

    code                      stable code: lower-case letters, digits, "-" (e.g. fasie-start)
    provider                  the institution's code
    name_ru, name_en          names; description_ru, description_en
    form                      grant loan guarantee compensation subsidy equity tax_benefit
                              service infrastructure pilot_testing
    purposes                  list of: rnd equipment production_expansion patenting
                              patenting_abroad pilot_testing commercialisation digitalisation
                              export working_capital training
    amount_min_rub, amount_max_rub, min_project_budget_rub    roubles, not negative
    cost_share_max, cofinancing_min_share                     shares from 0 to 1
    amount_note_ru, amount_note_en                            caps and conditions, in words
    rate_percent_min, rate_percent_max                        % a year (0-100); term_months
    priority_areas            list of the ten area codes (empty: any area)
    stages                    list of: idea research development market growth (empty: any)
    legal_act, source_url, apply_url, how_to_apply_ru, how_to_apply_en
    as_of, verified_on        dates YYYY-MM-DD, not in the future
    status                    open closed permanent upcoming (upcoming needs opens_on)
    opens_on, closes_on       dates YYYY-MM-DD
    rules                     the eligibility rule (rules.py, docs/navigator.md); null: none

A key left out of a record leaves that field as it is (a new measure gets the default); a key
given as null (an empty cell in CSV) clears it. Unknown keys are errors, never ignored.

What an import does
-------------------
Every record is checked: unknown and required keys, the code's pattern, every choice code,
money not negative, shares from 0 to 1, dates, and the rule, compiled with the measure's own
requirements. Errors name the record (its line in CSV and YAML, else its number and code), the
field and the rule broken; a record with any error changes nothing, so a broken rule never
reaches the published catalogue. Each valid record is saved in its own transaction: a changed
rule gets a new RuleVersion ("import from SOURCE"), every change an audit event, and after the
commit subscribers are re-evaluated (``services.measure_changed``).

The report lists what was added, changed (with the fields), closed (status became closed; and,
with ``close_missing`` and a provider, that provider's measures absent from the feed), unchanged,
and the errors. ``dry_run`` checks and reports without writing.

Where it is
-----------
``reading`` reads a source (a file or an http(s) feed) and parses JSON, YAML or CSV into
records with their line numbers; ``checks`` validates one record's keys and values;
``sync`` adds, updates and closes measures and institutions and reports what it did;
``export`` writes the catalogue in the import format; ``schema`` lists the keys of the
format and their kinds.
"""

from .export import dump_catalogue, export_catalogue
from .reading import FORMATS, FeedError
from .sync import (
    REFERENCE_PATH,
    ImportReport,
    import_catalogue,
    import_text,
    load_reference_catalogue,
)

__all__ = [
    "FORMATS",
    "REFERENCE_PATH",
    "FeedError",
    "ImportReport",
    "dump_catalogue",
    "export_catalogue",
    "import_catalogue",
    "import_text",
    "load_reference_catalogue",
]
