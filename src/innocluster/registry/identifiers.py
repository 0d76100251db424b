"""Checks of Russian organisation identifiers (INN, OGRN, OGRNIP, KPP) with python-stdnum,
and of their consistency with the legal form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from innocluster.core.errors import FieldError

from .choices import LegalForm

KPP_PATTERN = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")


def ogrnip_check_digit_ok(number: str) -> bool:
    """The OGRNIP rule as the Federal Tax Service applies it: the first 14 digits modulo 13, then
    modulo 10. python-stdnum 2.2 omits the final "modulo 10" and so rejects the real OGRNIPs
    whose remainder is 10, 11 or 12; this accepts those."""
    return len(number) == 15 and number.isdigit() and int(number[:14]) % 13 % 10 == int(number[14])


@dataclass
class Identifiers:
    inn: str | None
    ogrn: str | None
    kpp: str
    country: str
    foreign_registration_number: str


def _stdnum_reason(exc: ValidationError, label: str) -> str:
    if isinstance(exc, InvalidChecksum):
        return _("%(label)s has a wrong check digit.") % {"label": label}
    if isinstance(exc, InvalidLength):
        return _("%(label)s has the wrong number of digits.") % {"label": label}
    if isinstance(exc, InvalidFormat):
        return _("%(label)s must consist of digits only.") % {"label": label}
    return _("%(label)s is not valid.") % {"label": label}


def check_identifiers(
    legal_form: str,
    inn: str | None,
    ogrn: str | None,
    kpp: str | None = "",
    country: str | None = "RU",
    foreign_registration_number: str | None = "",
) -> tuple[Identifiers, list[FieldError]]:
    """Normalise and check the identifiers of an organisation of ``legal_form``.

    Returns the cleaned identifiers and the list of field errors (empty when all is well).
    """
    errors: list[FieldError] = []
    inn = stdnum_inn.compact(inn) if inn else None
    ogrn = stdnum_ogrn.compact(ogrn) if ogrn else None
    kpp = (kpp or "").strip().upper()
    country = (country or "RU").strip().upper()
    foreign = (foreign_registration_number or "").strip()

    def check(value, module, field, label):
        if value is None:
            return
        try:
            module.validate(value)
        except InvalidChecksum as exc:
            if not (module is stdnum_ogrn and ogrnip_check_digit_ok(value)):
                errors.append(FieldError(field, _stdnum_reason(exc, label), "invalid_" + field))
        except ValidationError as exc:
            errors.append(FieldError(field, _stdnum_reason(exc, label), "invalid_" + field))

    if legal_form == LegalForm.LEGAL_ENTITY:
        if country != "RU":
            errors.append(
                FieldError(
                    "country",
                    _(
                        "A Russian legal entity has country RU; a foreign one registers as a foreign organisation."
                    ),
                    "country_mismatch",
                )
            )
        if not inn:
            errors.append(
                FieldError("inn", _("A legal entity must give its INN (10 digits)."), "required")
            )
        elif len(inn) != 10:
            errors.append(
                FieldError(
                    "inn",
                    _(
                        "A legal entity's INN has 10 digits; 12 digits belong to a person or an entrepreneur."
                    ),
                    "inn_length_for_legal_form",
                )
            )
        else:
            check(inn, stdnum_inn, "inn", "INN")
        if not ogrn:
            errors.append(
                FieldError("ogrn", _("A legal entity must give its OGRN (13 digits)."), "required")
            )
        elif len(ogrn) != 13:
            errors.append(
                FieldError(
                    "ogrn",
                    _(
                        "A legal entity's OGRN has 13 digits; 15 digits is an entrepreneur's OGRNIP."
                    ),
                    "ogrn_length_for_legal_form",
                )
            )
        else:
            check(ogrn, stdnum_ogrn, "ogrn", "OGRN")
            if ogrn[0] not in "15":
                errors.append(
                    FieldError(
                        "ogrn", _("A legal entity's OGRN starts with 1 or 5."), "invalid_ogrn"
                    )
                )
        if kpp and not KPP_PATTERN.match(kpp):
            errors.append(
                FieldError(
                    "kpp",
                    _("KPP has 9 characters: 4 digits, 2 digits or capital letters, 3 digits."),
                    "invalid_kpp",
                )
            )
    elif legal_form == LegalForm.INDIVIDUAL_ENTREPRENEUR:
        if country != "RU":
            errors.append(
                FieldError(
                    "country",
                    _("An individual entrepreneur is registered in Russia (country RU)."),
                    "country_mismatch",
                )
            )
        if not inn:
            errors.append(
                FieldError(
                    "inn",
                    _("An individual entrepreneur must give the INN (12 digits)."),
                    "required",
                )
            )
        elif len(inn) != 12:
            errors.append(
                FieldError(
                    "inn",
                    _(
                        "An individual entrepreneur's INN has 12 digits; 10 digits belong to a legal entity."
                    ),
                    "inn_length_for_legal_form",
                )
            )
        else:
            check(inn, stdnum_inn, "inn", "INN")
        if not ogrn:
            errors.append(
                FieldError(
                    "ogrn",
                    _("An individual entrepreneur must give the OGRNIP (15 digits)."),
                    "required",
                )
            )
        elif len(ogrn) != 15:
            errors.append(
                FieldError(
                    "ogrn",
                    _(
                        "An individual entrepreneur's OGRNIP has 15 digits; 13 digits is a legal entity's OGRN."
                    ),
                    "ogrn_length_for_legal_form",
                )
            )
        else:
            check(ogrn, stdnum_ogrn, "ogrn", "OGRNIP")
        if kpp:
            errors.append(
                FieldError("kpp", _("An individual entrepreneur has no KPP."), "kpp_not_allowed")
            )
    elif legal_form == LegalForm.FOREIGN:
        if not COUNTRY_PATTERN.match(country) or country == "RU":
            errors.append(
                FieldError(
                    "country",
                    _(
                        "A foreign organisation gives its country as a two-letter ISO 3166-1 code other than RU."
                    ),
                    "invalid_country",
                )
            )
        if not foreign:
            errors.append(
                FieldError(
                    "foreign_registration_number",
                    _("A foreign organisation must give its national registration number."),
                    "required",
                )
            )
        # A foreign organisation accredited in Russia may also hold a 10-digit INN.
        if inn:
            if len(inn) != 10:
                errors.append(
                    FieldError(
                        "inn",
                        _("A foreign organisation's INN, if any, has 10 digits."),
                        "inn_length_for_legal_form",
                    )
                )
            else:
                check(inn, stdnum_inn, "inn", "INN")
        if ogrn:
            errors.append(
                FieldError(
                    "ogrn",
                    _("A foreign organisation has no OGRN; give the national registration number."),
                    "ogrn_not_allowed",
                )
            )
    elif legal_form == LegalForm.INDIVIDUAL:
        if inn:
            if len(inn) != 12:
                errors.append(
                    FieldError(
                        "inn", _("A person's INN has 12 digits."), "inn_length_for_legal_form"
                    )
                )
            else:
                check(inn, stdnum_inn, "inn", "INN")
        if ogrn:
            errors.append(
                FieldError("ogrn", _("A private person has no OGRN."), "ogrn_not_allowed")
            )
    else:
        errors.append(FieldError("legal_form", _("Unknown legal form."), "invalid_choice"))

    return Identifiers(
        inn=inn, ogrn=ogrn, kpp=kpp, country=country, foreign_registration_number=foreign
    ), errors
