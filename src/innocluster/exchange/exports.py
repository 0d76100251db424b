"""CSV exports: the challenge list as the viewer may list it, and a challenge owner's pipeline.

The list's columns are the teaser's (never a protected field of its own); its ``details``
column holds the challenge's details only where ``selectors.protected_text_visible_to`` lets
the viewer read them, and is empty everywhere else. Text cells that a spreadsheet would run as
a formula get a leading apostrophe, as in programmes' exports.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone

from innocluster.programmes.exports import BOM, CSV_DELIMITER, CSV_MEDIA_TYPE, safe_text

from .selectors import Viewer, protected_text_visible_to

CHALLENGE_COLUMNS = (
    "id",
    "title",
    "summary",
    "owner",
    "status",
    "visibility",
    "priority_areas",
    "trl_min",
    "owner_offers",
    "budget_min_rub",
    "budget_max_rub",
    "deadline",
    "published_at",
    "url",
    "details",
)
PIPELINE_COLUMNS = (
    "id",
    "responder",
    "responder_inn",
    "status",
    "trl",
    "price_indication",
    "description",
    "references",
    "feedback",
    "submitted_at",
    "status_changed_at",
    "attachments",
    "messages",
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return safe_text(str(value))


def _csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def challenge_rows(challenges, actor):
    """The header, then one row per challenge (``details`` empty where it is protected)."""
    viewer = Viewer.of(actor)
    yield CHALLENGE_COLUMNS
    for challenge in challenges.iterator(chunk_size=500):
        details = challenge.details if protected_text_visible_to(viewer, challenge) else ""
        yield (
            challenge.pk,
            challenge.title,
            challenge.summary,
            challenge.owner.name,
            challenge.status,
            challenge.visibility,
            challenge.priority_areas,
            challenge.trl_min,
            challenge.owner_offers,
            challenge.budget_min_rub,
            challenge.budget_max_rub,
            challenge.deadline.isoformat() if challenge.deadline else "",
            challenge.published_at,
            f"/exchange/challenges/{challenge.pk}/",
            details,
        )


def pipeline_rows(challenge):
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import SolutionAttachment, SolutionMessage

    def count_of(model):
        # A subquery each: two joined counts would multiply a solution's files by its messages.
        rows = model.objects.filter(solution=OuterRef("pk")).order_by()
        counted = rows.values("solution").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    yield PIPELINE_COLUMNS
    solutions = (
        challenge.solutions.select_related("responder")
        .annotate(
            attachment_count=count_of(SolutionAttachment),
            message_count=count_of(SolutionMessage),
        )
        .order_by("created_at")
    )
    for solution in solutions:
        yield (
            solution.pk,
            solution.responder.name,
            solution.responder.inn,
            solution.status,
            solution.trl,
            solution.price_indication,
            solution.description,
            solution.references,
            solution.feedback,
            solution.created_at,
            solution.status_changed_at,
            solution.attachment_count,
            solution.message_count,
        )


def _stream(rows, filename: str) -> StreamingHttpResponse:
    def chunks():
        yield BOM
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 200:
                yield _csv(batch)
                batch = []
        if batch:
            yield _csv(batch)

    response = StreamingHttpResponse(chunks(), content_type=CSV_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def challenges_response(challenges, actor) -> StreamingHttpResponse:
    return _stream(challenge_rows(challenges, actor), "challenges.csv")


def pipeline_response(challenge, actor) -> StreamingHttpResponse:
    from innocluster.core.audit import record_export

    record_export(actor=actor, kind="challenge_pipeline", params={"challenge": str(challenge.pk)})
    return _stream(pipeline_rows(challenge), f"challenge-{challenge.pk}-solutions.csv")


def attachment_disposition(filename: str) -> str:
    """A Content-Disposition that keeps any file name safe (RFC 6266 with an ASCII fallback)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
