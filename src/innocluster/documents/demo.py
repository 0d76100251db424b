"""Demo documents, so a visitor sees real signed ones: the accession agreements of about twenty
members (the demo member user's company and the demo integration's organisation among them),
each signed by the member's signatory with an enhanced CAdES signature and countersigned by the
Fund in the PDF (PAdES), and about ten letters in every state (sent, partly signed, signed,
rejected with a reason). ``registry.demo.run`` calls :func:`run` when it handles users.

Keys. In real use a signatory makes their key pair themselves (in the browser, or with their own
tool) and only sends the platform a certificate request; the private key never reaches the
server. Here the demo plays the signatories: it makes a P-256 key for each on this side, asks
the platform CA for a certificate through the same ``pki.ca.issue_certificate`` a CSR upload
uses, signs the PDF's bytes, and then forgets the key (nothing stores it). The demo signatories
cannot sign in (no password); the Fund's director (``fund_director`` in
var/demo-credentials.json) can, and countersigns like any Fund signatory.

How many: :func:`sizes_for` scales them with the demo (300 organisations: 20 and 10; a quick demo
of fewer than 100: only the two special organisations' agreements). The full set took 19 s of CPU
when measured (2 cores, November 2026): about 0.75 s per signed agreement, two thirds of it
rendering the PDF (fpdf2 parses the four DejaVu font files again for every document).

Idempotent: every demo document is found again by what it belongs to (an organisation's
accession agreement, or its ``demo.letter`` link), so a second run makes nothing new.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.db.models import Q

from innocluster.accounts.models import User
from innocluster.registry.choices import MembershipStatus, OrgRole
from innocluster.registry.models import Organisation, OrganisationRole

from . import storage
from .accession import agreements_of, create_accession_agreement
from .choices import DocumentStatus, DocumentType, PartyRole, StepRole
from .fund import add_fund_signatory, fund_organisation
from .generation import create_from_template
from .models import Document, DocumentLink
from .services import PartySpec, StepSpec, reject
from .signing import countersign_as_fund, sign_enhanced

AGREEMENTS = 20
# A smaller demo gets fewer documents: about one organisation in fifteen gets a signed agreement
# and one in thirty a letter (the default 300 organisations: 20 and 10); a quick demo of fewer
# than 100 only the two special organisations' agreements. Every signature is verified as it is
# accepted, which is most of the time these take.
ORGANISATIONS_PER_AGREEMENT = 15
ORGANISATIONS_PER_LETTER = 30
LETTERS_FROM = 100
LETTER_LINK = "demo.letter"
EMAIL_DOMAIN = "demo.innocluster.local"

# Letters: (key, organisation slot, direction, subject, body, the state it is left in, a refusal's
# reason). Slot 0 is the demo member user's company, 1 the demo integration's organisation, 2 and 3
# other members; "out": the Fund writes to the member, "in": the member writes to the Fund. Both
# sign: the member first, then the Fund.
LETTERS = [
    ("report-reminder", 0, "out", "О представлении годовой отчетности участника кластера",
     "Напоминаем о необходимости представить сведения о деятельности за отчетный год до 31 марта."
     "\n\nФорма отчета доступна в личном кабинете.", "sent", ""),
    ("open-day", 1, "out", "Приглашение на день открытых инноваций",
     "Фонд приглашает представителей организации на день открытых инноваций в технопарке."
     "\n\nПросим подтвердить участие подписанием настоящего письма.", "signed", ""),
    ("pilot-request", 0, "in", "О проведении пилотного тестирования решения",
     "Просим рассмотреть возможность пилотного тестирования нашего решения на городской"
     " испытательной площадке в течение трех месяцев.", "partly_signed", ""),
    ("data-update", 2, "out", "Об актуализации сведений в реестре участников",
     "Просим проверить и при необходимости обновить сведения об организации в реестре"
     " участников кластера.", "signed", ""),
    ("co-funding", 0, "in", "О софинансировании совместного проекта",
     "Предлагаем рассмотреть софинансирование совместного проекта с университетом-партнером"
     " в приоритетном направлении «Информационные технологии».", "rejected",
     "Заявка подана вне срока приема; просим подать ее в следующий отбор."),
    ("export-support", 1, "out", "О мерах поддержки экспорта",
     "Информируем о приеме заявок на компенсацию затрат на участие в международных выставках.",
     "sent", ""),
    ("nda", 0, "in", "О заключении соглашения о конфиденциальности",
     "Направляем проект соглашения о конфиденциальности для обмена технической информацией.",
     "signed", ""),
    ("testbed-slot", 3, "out", "О предоставлении испытательной площадки",
     "Фонд согласовывает предоставление испытательной площадки для пилотного проекта"
     " с 1 числа следующего месяца.", "partly_signed", ""),
    ("event-date", 2, "out", "О переносе даты стратегической сессии",
     "Сообщаем о переносе стратегической сессии участников кластера на следующую неделю.",
     "rejected", "Дата совпадает с отраслевой выставкой; просим предложить другую."),
    ("mentoring", 3, "out", "О программе наставничества для стартапов",
     "Приглашаем организацию принять участие в программе наставничества в качестве эксперта.",
     "sent", ""),
]  # fmt: skip


@dataclass
class DocumentsDemoResult:
    """What one run made."""

    agreements: int = 0
    letters: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


class DemoSignatories:
    """The demo plays each signatory: a key of their own, made here, with a platform
    certificate, kept in memory for this run only."""

    def __init__(self):
        self.keys: dict[tuple, tuple] = {}

    def signature(self, document: Document, user: User, organisation: Organisation) -> bytes:
        from innocluster.pki import ca, cms

        key_id = (user.pk, organisation.pk)
        if key_id not in self.keys:
            key = ec.generate_private_key(ec.SECP256R1())
            csr = (
                x509.CertificateSigningRequestBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user.email)]))
                .sign(key, hashes.SHA256())
            )
            row = ca.issue_certificate(
                csr,
                subject=ca.subject_for(user, organisation),
                user=user,
                organisation=organisation,
            )
            self.keys[key_id] = (key, row.certificate)
        key, certificate = self.keys[key_id]
        content = storage.get(document.current_version.sha256)
        return cms.sign_detached(content, key, certificate, timestamp=False)

    def sign(self, document: Document, user: User, organisation: Organisation) -> None:
        cms_der = self.signature(document, user, organisation)
        sign_enhanced(document, user, cms_der, version_sha256=document.current_version.sha256)


def demo_signatory(organisation: Organisation) -> User:
    """The organisation's signatory: the one it has, or a demo person (who cannot sign in)."""
    role = (
        OrganisationRole.objects.filter(organisation=organisation, role=OrgRole.SIGNATORY)
        .select_related("user")
        .order_by("granted_at")
        .first()
    )
    if role is not None:
        return role.user
    email = f"signatory-{organisation.member_number or organisation.pk}@{EMAIL_DOMAIN}".lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=organisation.contact_name or "Подписант (демо)")
        user.set_unusable_password()
        user.save()
    OrganisationRole.objects.get_or_create(
        organisation=organisation, user=user, role=OrgRole.SIGNATORY
    )
    return user


def _members(special: list[Organisation], count: int) -> list[Organisation]:
    """The special organisations first, then admitted demo members in the order admitted."""
    fund = fund_organisation()
    chosen = [o for o in special if o is not None]
    rest = (
        Organisation.objects.filter(
            status__in=[MembershipStatus.MEMBER, MembershipStatus.PARTNER],
            member_number__isnull=False,
        )
        .exclude(pk__in=[o.pk for o in chosen] + [fund.pk])
        .order_by("member_number")[: max(0, count - len(chosen))]
    )
    return chosen + list(rest)


def _agreement(org, operator, director, signatories) -> bool:
    """The organisation's agreement, signed by both; False when it already has one."""
    if agreements_of(org).exists():
        return False
    signer = demo_signatory(org)
    with transaction.atomic():
        document = create_accession_agreement(org, operator)
        signatories.sign(document, signer, org)
        countersign_as_fund(document, director)
    return True


def _letter(spec, orgs, operator, director, signatories) -> bool:
    """One demo letter, left in its state; False when it exists already."""
    key, slot, direction, subject, body, state, reason = spec
    if DocumentLink.objects.filter(object_type=LETTER_LINK, object_id=key).exists():
        return False
    fund = fund_organisation()
    org = orgs[slot % len(orgs)]
    signer = demo_signatory(org)
    if direction == "out":
        sender, actor, recipient = fund, operator, org
    else:
        sender, actor, recipient = org, signer, fund
    with transaction.atomic():
        document = create_from_template(
            "letter",
            {"body": body},
            title=subject,
            sender=sender,
            parties=[PartySpec(recipient, PartyRole.RECIPIENT)],
            route=[StepSpec(org, order=1), StepSpec(fund, order=2, role=StepRole.SIGNATORY)],
            links=[(LETTER_LINK, key), org],
            actor=actor,
        )
        if state != DocumentStatus.SENT and not (state == "rejected" and direction == "out"):
            signatories.sign(document, signer, org)
        if state == DocumentStatus.SIGNED:
            countersign_as_fund(document, director)
        elif state == DocumentStatus.REJECTED:
            # The member refuses the Fund's letter; the Fund refuses the member's request.
            reject(document, signer if direction == "out" else director, reason)
    return True


def sizes_for(organisations: int) -> tuple[int, int]:
    """How many signed agreements and letters a demo of ``organisations`` gets."""
    agreements = min(AGREEMENTS, max(2, organisations // ORGANISATIONS_PER_AGREEMENT))
    letters = 0
    if organisations >= LETTERS_FROM:
        letters = min(len(LETTERS), organisations // ORGANISATIONS_PER_LETTER)
    return agreements, letters


def run(
    accounts: dict,
    special: list[Organisation],
    *,
    agreements: int = AGREEMENTS,
    letters: int = len(LETTERS),
) -> DocumentsDemoResult:
    """Make the demo documents that are not there yet.

    Args:
        accounts: the demo users by role (``fund_operator`` prepares and sends,
            ``fund_director`` signs for the Fund, ``member`` signs for the demo company).
        special: organisations that must have a signed agreement, first (the demo member
            user's company, the demo integration's organisation).
        agreements: how many members get a signed accession agreement.
        letters: how many of ``LETTERS`` are made.

    Returns:
        A ``DocumentsDemoResult`` with what was made now and the seconds it took.
    """
    result = DocumentsDemoResult()
    began = time.perf_counter()
    operator, director = accounts["fund_operator"], accounts["fund_director"]
    add_fund_signatory(director)
    # The demo member user signs for their own company, so they see a signed agreement of theirs.
    member_user = accounts.get("member")
    if member_user is not None and special and special[0] is not None:
        OrganisationRole.objects.get_or_create(
            organisation=special[0], user=member_user, role=OrgRole.SIGNATORY
        )
    orgs = _members(list(special), agreements)
    signatories = DemoSignatories()
    for org in orgs:
        result.agreements += _agreement(org, operator, director, signatories)
    result.timings["agreements"] = time.perf_counter() - began
    letters_began = time.perf_counter()
    for spec in LETTERS[:letters]:
        result.letters += _letter(spec, orgs, operator, director, signatories)
    result.timings["letters"] = time.perf_counter() - letters_began
    result.seconds = time.perf_counter() - began
    return result


def demo_documents():
    """Every demo document: accession agreements of demo members and the demo letters."""
    return Document.objects.filter(
        Q(doc_type=DocumentType.ACCESSION_AGREEMENT) | Q(links__object_type=LETTER_LINK)
    ).distinct()
