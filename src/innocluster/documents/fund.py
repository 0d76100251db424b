"""The Fund as an organisation: it sends and signs documents like any member.

Its signatories (registry ``OrgRole.SIGNATORY``, e.g. the director) sign the Fund's route steps;
its PAdES signature on PDFs is made with the platform's Fund key (pki.pades.sign_pdf).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from innocluster.registry.choices import LegalForm, OrganisationKind, OrgRole
from innocluster.registry.models import Organisation, OrganisationRole


def fund_inn() -> str:
    """settings.FUND_INN; the default is a demo INN with a valid check digit, plainly no real
    company's (all zeros)."""
    return settings.FUND_INN


def fund_organisation() -> Organisation:
    """The Fund's organisation in the registry, made on first use from FUND_NAME and FUND_INN.

    It stays out of the membership workflow (status ``applicant`` with no application): the
    Fund runs the cluster rather than belonging to it.
    """
    inn = fund_inn()
    found = Organisation.objects.filter(inn=inn).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Organisation.objects.create(
                legal_form=LegalForm.LEGAL_ENTITY,
                kind=OrganisationKind.DEVELOPMENT_INSTITUTION,
                name_ru=settings.FUND_NAME,
                name_en=settings.FUND_NAME_EN,
                inn=inn,
                region_id=None,
            )
    except IntegrityError:  # another process made it first
        return Organisation.objects.get(inn=inn)


def is_fund(organisation) -> bool:
    return organisation is not None and organisation.inn == fund_inn()


def add_fund_signatory(user) -> OrganisationRole:
    """Make ``user`` a signatory of the Fund (demo data and tests; operators grant it in the back
    office through the registry's roles)."""
    role, _created = OrganisationRole.objects.get_or_create(
        organisation=fund_organisation(), user=user, role=OrgRole.SIGNATORY
    )
    return role
