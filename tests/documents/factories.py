"""Documents in their states, and the people who sign them."""

from __future__ import annotations

import io

from innocluster.documents.fund import add_fund_signatory, fund_organisation
from innocluster.documents.services import StepSpec, create_document, send_for_signature
from innocluster.registry.models import OrganisationRole
from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory


def make_pdf(text: str = "Договор") -> bytes:
    """A small real PDF (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text.encode("ascii", "replace").decode())
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def person(org, role="signatory", **fields):
    """A user with ``role`` in ``org``."""
    user = UserFactory(**fields)
    OrganisationRole.objects.create(organisation=org, user=user, role=role)
    return user


def fund_signatory(**fields):
    user = UserFactory(**fields)
    add_fund_signatory(user)
    return user


def org_with_signatory():
    org = MemberOrganisationFactory()
    return org, person(org, "signatory")


def draft(
    sender=None, actor=None, *, content=None, media_type="application/json", parties=(), **kw
):
    sender = sender or MemberOrganisationFactory()
    actor = actor or person(sender, "editor")
    return create_document(
        doc_type=kw.pop("doc_type", "letter"),
        title=kw.pop("title", "Письмо о сотрудничестве"),
        sender=sender,
        parties=parties,
        content=content if content is not None else {"text": "Предлагаем сотрудничество", "n": 1},
        media_type=media_type,
        actor=actor,
        **kw,
    )


def sent(route_orgs, *, sender=None, actor=None, **kw):
    """A document sent along a route: ``route_orgs`` is a list of (organisation, order)."""
    sender = sender or MemberOrganisationFactory()
    actor = actor or person(sender, "editor")
    document = draft(sender, actor, **kw)
    return send_for_signature(
        document, [StepSpec(org, order=order) for org, order in route_orgs], actor
    )


__all__ = ["fund_organisation"]
