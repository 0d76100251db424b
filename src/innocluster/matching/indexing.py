"""Writing the index: one ``MatchDocument`` per searchable item, and only what its audience sees.

What is indexed, and for whom:

- organisations in the public registry (``registry.choices.PUBLIC_STATUSES``): their names and
  descriptions in both languages and the names of their OKVED codes; audience public;
- products and technology offers while published: title, summary, their translations, the
  description and, for technology offers, the licensing and partnership terms, the labs for
  shared use and the patent numbers; audience public;
- challenges once published (open, evaluating, piloting or closed; drafts never): title, summary,
  their translations and, unless the details are under NDA, the protected fields
  (``exchange.models.PROTECTED_FIELDS``); audience members when the challenge is for members only.

An item that stops qualifying (unpublished, archived, withdrawn, deleted) keeps its row marked
``removed`` so running matchers, which follow ``changed_at``, drop it too; a full rebuild
(``reindex_all``) deletes such rows once they are an hour old.

Both ``index_object`` (one item, from the signals) and ``reindex_all`` (everything, from the
``matching_reindex`` command and the demo) compare what they built with the stored row and write
only what changed, so re-running them costs reads, not writes, and the matchers see no churn.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .choices import Audience, DocumentKind
from .models import MatchDocument
from .text import analyse

# A removed row older than this is deleted by the next full rebuild; younger ones are kept so a
# matcher polling ``changed_at`` a little late still learns of the removal.
REMOVED_KEPT_FOR = dt.timedelta(hours=1)
DEFAULT_BATCH = 2000

# The columns a document is made of; a stored row is rewritten only when one of them differs.
DOCUMENT_FIELDS = (
    "owner_id",
    "audience",
    "language",
    "title",
    "title_translated",
    "public_text",
    "terms",
    "areas",
    "okved",
    "region",
    "org_kind",
    "trl",
    "status",
    "active_at",
    "removed",
)
_MAX_LENGTH = {
    name: MatchDocument._meta.get_field(name).max_length
    for name in DOCUMENT_FIELDS
    if getattr(MatchDocument._meta.get_field(name), "max_length", None)
}


def _models():
    from innocluster.exchange.models import Challenge, Product, TechnologyOffer
    from innocluster.registry.models import Organisation

    return {
        DocumentKind.ORGANISATION: Organisation,
        DocumentKind.PRODUCT: Product,
        DocumentKind.TECHNOLOGY: TechnologyOffer,
        DocumentKind.CHALLENGE: Challenge,
    }


def kind_of(obj) -> str | None:
    """The document kind of a model instance, or None when it is not searchable."""
    for kind, model in _models().items():
        if isinstance(obj, model):
            return str(kind)
    return None


def indexed_challenge_statuses() -> tuple[str, ...]:
    from innocluster.exchange.choices import ChallengeStatus

    return (
        ChallengeStatus.OPEN,
        ChallengeStatus.EVALUATING,
        ChallengeStatus.PILOTING,
        ChallengeStatus.CLOSED,
    )


def _source_filter(kind: str) -> dict:
    """The ORM filter of the items of ``kind`` that have a live document. An exchange item is
    found only while its owner is admitted: a suspended or withdrawn organisation's challenges
    and listings leave search and matching with it (and come back when it is re-admitted)."""
    from innocluster.exchange.choices import ListingStatus
    from innocluster.registry.choices import ADMITTED_STATUSES, PUBLIC_STATUSES

    if kind == DocumentKind.ORGANISATION:
        return {"status__in": [str(s) for s in PUBLIC_STATUSES]}
    admitted_owner = {"owner__status__in": [str(s) for s in ADMITTED_STATUSES]}
    if kind == DocumentKind.CHALLENGE:
        return {"status__in": [str(s) for s in indexed_challenge_statuses()], **admitted_owner}
    return {"status": ListingStatus.PUBLISHED, **admitted_owner}


# --- building documents --------------------------------------------------------------------------


@dataclass
class OwnerFacts:
    """What an item's document copies from its owning organisation."""

    region: str = ""
    kind: str = ""
    okved: list[str] = field(default_factory=list)


def _join(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _codes(values: Iterable, max_length: int) -> str:
    """Space-separated codes, cut at a code boundary to fit the column."""
    out, size = [], 0
    for value in values:
        value = str(value)
        if not value or value in out:
            continue
        if size + len(value) + (1 if out else 0) > max_length:
            break
        size += len(value) + (1 if out else 0)
        out.append(value)
    return " ".join(out)


def _aware(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def _latest(*values) -> dt.datetime | None:
    present = [_aware(v) for v in values if v is not None]
    return max(present) if present else None


def _finish(values: dict, title_text: str, body: str) -> dict:
    values["public_text"] = body
    values["terms"] = " ".join(analyse(_join(title_text, body)))
    values["removed"] = False
    for name, limit in _MAX_LENGTH.items():
        if isinstance(values.get(name), str) and len(values[name]) > limit:
            values[name] = values[name][:limit]
    return values


def organisation_document(org, areas: list[str], extra_okved: list[str], okved_names) -> dict:
    """The document of a public registry entry.

    Args: ``areas`` its priority-area codes, ``extra_okved`` its further OKVED codes,
    ``okved_names`` a mapping of OKVED code to (Russian name, English name).
    """
    okved = [org.okved_main_id, *sorted(extra_okved)] if org.okved_main_id else sorted(extra_okved)
    names = []
    for code in okved:
        ru, en = okved_names.get(code, ("", ""))
        names.extend((ru, en))
    values = {
        "owner_id": org.pk,
        "audience": Audience.PUBLIC,
        "language": "ru",
        "title": org.name_ru,
        "title_translated": org.name_en,
        "areas": _codes(sorted(areas), _MAX_LENGTH["areas"]),
        "okved": _codes(okved, _MAX_LENGTH["okved"]),
        "region": org.region_id or "",
        "org_kind": org.kind,
        "trl": None,
        "status": org.status,
        "active_at": _latest(org.updated_at, org.member_since),
    }
    body = _join(org.description_ru, org.description_en, *names)
    return _finish(values, _join(org.name_ru, org.name_en), body)


def _item_values(item, owner: OwnerFacts, trl) -> dict:
    return {
        "owner_id": item.owner_id,
        "audience": Audience.PUBLIC,
        "language": item.language,
        "title": item.title,
        "title_translated": item.title_translated,
        "areas": _codes(item.priority_areas or [], _MAX_LENGTH["areas"]),
        "okved": _codes(owner.okved, _MAX_LENGTH["okved"]),
        "region": owner.region,
        "org_kind": owner.kind,
        "trl": trl,
        "status": item.status,
        "active_at": _latest(item.updated_at, item.published_at),
    }


def product_document(product, owner: OwnerFacts) -> dict:
    values = _item_values(product, owner, product.trl)
    body = _join(product.summary, product.summary_translated, product.description)
    return _finish(values, _join(product.title, product.title_translated), body)


def technology_document(offer, owner: OwnerFacts) -> dict:
    values = _item_values(offer, owner, offer.trl)
    body = _join(
        offer.summary,
        offer.summary_translated,
        offer.description,
        offer.licensing_terms,
        offer.partnership_terms,
        offer.lab_competencies,
        " ".join(str(n) for n in offer.patent_numbers or []),
    )
    return _finish(values, _join(offer.title, offer.title_translated), body)


def challenge_document(challenge, owner: OwnerFacts) -> dict:
    """A published challenge's document: its teaser always, its protected fields only when they
    are not under NDA (search is public text only; the details open on the challenge's page)."""
    from innocluster.exchange.choices import Visibility
    from innocluster.exchange.models import PROTECTED_FIELDS

    values = _item_values(challenge, owner, challenge.trl_min)
    if challenge.visibility == Visibility.MEMBERS:
        values["audience"] = Audience.MEMBERS
    shown = () if challenge.visibility == Visibility.NDA else PROTECTED_FIELDS
    body = _join(
        challenge.summary,
        challenge.summary_translated,
        *(getattr(challenge, name) for name in shown),
    )
    return _finish(values, _join(challenge.title, challenge.title_translated), body)


# --- reading sources in bulk ---------------------------------------------------------------------


def _okved_names() -> dict[str, tuple[str, str]]:
    from innocluster.registry.models import OkvedCode

    return {
        code: (ru, en)
        for code, ru, en in OkvedCode.objects.values_list("code", "name_ru", "name_en")
    }


def _links(through, owner_column: str, target_column: str, owner_ids) -> dict:
    found = defaultdict(list)
    rows = through.objects.filter(**{f"{owner_column}__in": owner_ids}).values_list(
        owner_column, target_column
    )
    for owner_id, target in rows:
        found[owner_id].append(target)
    return found


def _extra_okved(org_ids) -> dict:
    from innocluster.registry.models import Organisation

    return _links(Organisation.okved_extra.through, "organisation_id", "okvedcode_id", org_ids)


def _org_areas(org_ids) -> dict:
    from innocluster.registry.models import Organisation

    return _links(
        Organisation.priority_areas.through, "organisation_id", "priorityarea_id", org_ids
    )


def _owner_facts(owner_ids) -> dict:
    from innocluster.registry.models import Organisation

    owner_ids = list(set(owner_ids))
    extra = _extra_okved(owner_ids)
    facts = {}
    for pk, region, kind, okved_main in Organisation.objects.filter(pk__in=owner_ids).values_list(
        "pk", "region_id", "kind", "okved_main_id"
    ):
        okved = [okved_main] if okved_main else []
        facts[pk] = OwnerFacts(region or "", kind, okved + sorted(extra.get(pk, [])))
    return facts


ORG_FIELDS = (
    "pk",
    "name_ru",
    "name_en",
    "description_ru",
    "description_en",
    "kind",
    "status",
    "region_id",
    "okved_main_id",
    "updated_at",
    "member_since",
)


# An organisation as a full rebuild reads it: the fields a document needs, no model instance.
OrgRow = namedtuple("OrgRow", ORG_FIELDS)


def _organisation_documents(orgs: list, okved_names) -> list[tuple[object, dict]]:
    ids = [o.pk for o in orgs]
    areas, extra = _org_areas(ids), _extra_okved(ids)
    return [
        (o.pk, organisation_document(o, areas.get(o.pk, []), extra.get(o.pk, []), okved_names))
        for o in orgs
    ]


_BUILDERS = {
    DocumentKind.PRODUCT: product_document,
    DocumentKind.TECHNOLOGY: technology_document,
    DocumentKind.CHALLENGE: challenge_document,
}


def _item_documents(kind: str, items: list) -> list[tuple[object, dict]]:
    owners = _owner_facts(i.owner_id for i in items)
    build = _BUILDERS[kind]
    return [(i.pk, build(i, owners.get(i.owner_id, OwnerFacts()))) for i in items]


def _chunks(queryset, batch: int, fields=None) -> Iterator[list]:
    """The queryset's rows in primary-key order, ``batch`` at a time (keyset pagination: no
    OFFSET, so the last chunk costs what the first does); with ``fields``, as OrgRow tuples."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        if fields:
            rows = [OrgRow._make(row) for row in page.values_list(*fields)[:batch]]
        else:
            rows = list(page[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


# --- writing -------------------------------------------------------------------------------------


def _write(kind: str, documents: list[tuple[object, dict]]) -> int:
    """Insert or update the documents of ``kind`` that differ from their stored rows; returns
    how many were written."""
    if not documents:
        return 0
    stored = {
        row[0]: row[1:]
        for row in MatchDocument.objects.filter(
            kind=kind, object_id__in=[pk for pk, _ in documents]
        ).values_list("object_id", *DOCUMENT_FIELDS)
    }
    changed = [
        MatchDocument(kind=kind, object_id=pk, **values)
        for pk, values in documents
        if stored.get(pk) != tuple(values[name] for name in DOCUMENT_FIELDS)
    ]
    if changed:
        MatchDocument.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=[*DOCUMENT_FIELDS, "changed_at"],
        )
    return len(changed)


def _mark_removed(kind: str, object_ids) -> int:
    return MatchDocument.objects.filter(kind=kind, object_id__in=object_ids, removed=False).update(
        removed=True, changed_at=timezone.now()
    )


def remove_object(kind: str, object_id) -> int:
    """Mark one item's document removed (the item was deleted or stopped qualifying)."""
    return _mark_removed(kind, [object_id])


def _qualifies(kind: str, obj) -> bool:
    """Whether the item, as loaded, is to be indexed (``_source_filter`` asked of one row)."""
    return type(obj).objects.filter(pk=obj.pk, **_source_filter(kind)).exists()


def build_document(obj) -> dict | None:
    """The document values of one item as loaded, or None when it is not to be indexed."""
    kind = kind_of(obj)
    if kind is None or not _qualifies(kind, obj):
        return None
    if kind == DocumentKind.ORGANISATION:
        from innocluster.registry.models import OkvedCode

        extra = _extra_okved([obj.pk]).get(obj.pk, [])
        okved = ([obj.okved_main_id] if obj.okved_main_id else []) + list(extra)
        names = {
            c: (ru, en)
            for c, ru, en in OkvedCode.objects.filter(code__in=okved).values_list(
                "code", "name_ru", "name_en"
            )
        }
        areas = _org_areas([obj.pk]).get(obj.pk, [])
        return organisation_document(obj, areas, extra, names)
    [(_, values)] = _item_documents(kind, [obj])
    return values


def index_object(obj) -> MatchDocument | None:
    """Bring one item's document in line with the item (read afresh from the database): written
    when it qualifies, marked removed when it no longer does (or is gone). Returns the live row,
    or None."""
    kind = kind_of(obj)
    if kind is None:
        raise TypeError(f"{type(obj).__name__} is not searchable")
    fresh = type(obj).objects.filter(pk=obj.pk).first()
    values = build_document(fresh) if fresh is not None else None
    if values is None:
        remove_object(kind, obj.pk)
        return None
    _write(kind, [(obj.pk, values)])
    return MatchDocument.objects.filter(kind=kind, object_id=obj.pk).first()


def index_owned_items(org_id) -> int:
    """Re-index one organisation's items after a change of it: their documents copy the owner's
    region, kind and OKVED codes, and exist only while it is admitted. Returns how many
    documents were written or removed."""
    models = _models()
    seen = 0
    for kind, model in models.items():
        if kind == DocumentKind.ORGANISATION:
            continue
        kind = str(kind)
        items = list(model.objects.filter(owner_id=org_id, **_source_filter(kind)))
        _write(kind, _item_documents(kind, items))
        # Those no longer qualifying (the owner suspended or withdrawn) leave the index.
        gone = MatchDocument.objects.filter(kind=kind, owner_id=org_id, removed=False).exclude(
            object_id__in=[item.pk for item in items]
        )
        seen += len(items) + gone.update(removed=True, changed_at=timezone.now())
    return seen


@dataclass
class ReindexResult:
    """What a full rebuild did, per kind: documents live, written (new or changed) and removed."""

    live: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    deleted: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.live.values())


def reindex_all(batch: int = DEFAULT_BATCH) -> ReindexResult:
    """Rebuild every document from its source, ``batch`` items at a time.

    Unchanged documents are left alone; items that no longer qualify are marked removed; rows
    removed more than ``REMOVED_KEPT_FOR`` ago are deleted. Each batch is its own transaction,
    so a rebuild of a large catalogue does not hold one long write lock.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    started = time.monotonic()
    result = ReindexResult()
    okved_names = _okved_names()
    for kind, model in _models().items():
        kind = str(kind)
        live = written = 0
        queryset = model.objects.filter(**_source_filter(kind))
        fields = ORG_FIELDS if kind == DocumentKind.ORGANISATION else None
        for chunk in _chunks(queryset, batch, fields):
            if kind == DocumentKind.ORGANISATION:
                documents = _organisation_documents(chunk, okved_names)
            else:
                documents = _item_documents(kind, chunk)
            with transaction.atomic():
                written += _write(kind, documents)
            live += len(chunk)
        stale = (
            MatchDocument.objects.filter(kind=kind, removed=False)
            .exclude(object_id__in=model.objects.filter(**_source_filter(kind)).values("pk"))
            .update(removed=True, changed_at=timezone.now())
        )
        result.live[kind], result.written[kind], result.removed[kind] = live, written, stale
    result.deleted, _ = MatchDocument.objects.filter(
        removed=True, changed_at__lt=timezone.now() - REMOVED_KEPT_FOR
    ).delete()
    result.seconds = time.monotonic() - started
    return result
