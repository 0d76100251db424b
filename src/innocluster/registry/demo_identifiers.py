"""Valid-looking identifiers for demo data and tests: the check digits are computed, the
numbers are random, so they pass python-stdnum but belong to nobody."""

from __future__ import annotations

import random

from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn


def legal_entity_inn(rng: random.Random, region_prefix: str = "77") -> str:
    body = region_prefix + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + stdnum_inn.calc_company_check_digit(body)


def person_inn(rng: random.Random, region_prefix: str = "77") -> str:
    body = region_prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return body + stdnum_inn.calc_personal_check_digits(body)


def legal_entity_ogrn(rng: random.Random, year: int = 2015, region_prefix: str = "77") -> str:
    body = (
        "1"
        + f"{year % 100:02d}"
        + region_prefix
        + "".join(str(rng.randint(0, 9)) for _ in range(7))
    )
    return body + stdnum_ogrn.calc_check_digit(body + "0")  # stdnum wants the full length


def entrepreneur_ogrnip(rng: random.Random, year: int = 2015, region_prefix: str = "77") -> str:
    while True:
        body = (
            "3"
            + f"{year % 100:02d}"
            + region_prefix
            + "".join(str(rng.randint(0, 9)) for _ in range(9))
        )
        remainder = int(body) % 13
        if remainder < 10:  # see identifiers.ogrnip_check_digit_ok: keep demo numbers unambiguous
            return body + str(remainder)
