"""What the applicants' pages share: finding the application the user may see (404 otherwise),
the section navigation, and showing a service's refusal next to the fields it names with an
error summary at the top that links to them."""

from __future__ import annotations

import re

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.errors import Conflict, DomainError, NotPermitted
from innocluster.registry.models import OrganisationRole

from ..choices import ApplicationState
from ..models import Application
from ..permissions import EDITING_ROLES, may_edit_application, may_see_application
from ..services import EDITABLE_STATES

# The sections of an application, in the order of the checklist (checks.submission_problems).
SECTIONS = [
    ("details", gettext_lazy("Project")),
    ("answers", gettext_lazy("Questions of the call")),
    ("consortium", gettext_lazy("Consortium")),
    ("budget", gettext_lazy("Budget")),
    ("milestones", gettext_lazy("Milestones")),
    ("kpi", gettext_lazy("KPI targets")),
    ("attachments", gettext_lazy("Attachments")),
]
INDEXED = re.compile(r"^(?P<table>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def application_for(user, application_id) -> Application:
    """The application if ``user`` may see it (the Fund's staff, any consortium member's
    people); 404 otherwise, so nobody learns that it exists."""
    application = (
        Application.objects.select_related("call__form_version", "call__programme", "lead")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not may_see_application(user, application):
        raise Http404
    return application


def acting_organisation_ids(user, roles=EDITING_ROLES) -> set:
    return set(
        OrganisationRole.objects.filter(user=user, role__in=list(roles)).values_list(
            "organisation_id", flat=True
        )
    )


def page_context(request, application: Application, section: str) -> dict:
    """What every page of an application shows: its heading, state, section menu and whether
    the user may change it now."""
    may_edit = may_edit_application(request.user, application)[0]
    editable = application.state in EDITABLE_STATES
    return {
        "application": application,
        "call": application.call,
        "state_label": ApplicationState(application.state).label,
        "section": section,
        "sections": [
            {
                "code": code,
                "label": label,
                "url": reverse(f"applications:{code}", args=[application.pk]),
                "current": code == section,
            }
            for code, label in SECTIONS
        ],
        "overview_url": reverse("applications:detail", args=[application.pk]),
        "may_edit": may_edit,
        "editable": editable,
        "can_edit": may_edit and editable,
    }


def section_link(application: Application, field: str) -> str:
    """Where a checklist item (a FieldError's field) is fixed: its section, at its input."""
    base = lambda name: reverse(f"applications:{name}", args=[application.pk])  # noqa: E731
    if field in ("title", "priority_area", "innovation_type", "summary"):
        return f"{base('details')}#id_{field}"
    if field.startswith("answers."):
        return f"{base('answers')}#id_answers-{field.split('.', 1)[1]}"
    if field.startswith("attachments."):
        return f"{base('attachments')}#doc-{field.split('.', 1)[1]}"
    match = INDEXED.match(field)
    table = match["table"] if match else field
    if table == "members":
        return f"{base('consortium')}#members"
    if table in ("budget", "milestones"):
        if match:
            row_field = match["field"] or ("category" if table == "budget" else "title")
            return f"{base(table)}#id_{table}-{match['index']}-{row_field}"
        return f"{base(table)}#{table}"
    if table == "kpi":
        return f"{base('kpi')}#kpi"
    return base("details")


def decorate(*forms) -> None:
    """Tie each input to its help and its errors (aria-describedby) and mark the invalid ones,
    as the portal's form_field tag does, for inputs rendered inside tables too."""
    for form in forms:
        for name, field in form.fields.items():
            bound = form[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_help")
            if form.errors.get(name):
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


def status_of(error: DomainError) -> int:
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 422


class Refusal:
    """A service's refusal as a page shows it: each FieldError placed on the input it names
    (``resolve(field) -> (form, name)``, ``name`` None for the form as a whole), the others as
    page-level messages; ``stale`` when someone else saved the application meanwhile."""

    def __init__(self, error: DomainError | None = None, resolve=None):
        self.messages: list[str] = []
        self.stale = False
        self.code = ""
        self.status = 200
        if error is not None:
            self.add(error, resolve or (lambda field: None))

    def add(self, error: DomainError, resolve) -> None:
        self.code = error.code
        self.status = status_of(error)
        if error.code == "stale_version":
            self.stale = True
            return
        if not error.errors:
            self.messages.append(str(error.message))
            return
        for item in error.errors:
            target = resolve(item.field)
            if target is None:
                self.messages.append(str(item.message))
                continue
            form, name = target
            if name is not None and name not in form.fields:
                name = None
            if str(item.message) not in form.errors.get(name or "__all__", []):
                form.add_error(name, str(item.message))

    def __bool__(self) -> bool:
        return bool(self.messages or self.stale)


def summary(forms, refusal: Refusal | None = None) -> list[dict]:
    """The error summary's items: each error with a link to its input (rows named by number)."""
    items = [{"href": "", "text": text} for text in (refusal.messages if refusal else [])]
    for form in forms:
        if not form.errors:
            continue
        row = getattr(form, "number", None)
        first = getattr(form, "first_field", "") or next(iter(form.fields), "")
        for error in form.non_field_errors():
            text = _("Row %(n)d: %(error)s") % {"n": row, "error": error} if row else error
            href = f"#{form[first].auto_id}" if first in form.fields else ""
            items.append({"href": href, "text": text})
        for name in form.fields:
            bound = form[name]
            suffix = (
                "_0" if getattr(form.fields[name].widget, "allow_multiple_selected", False) else ""
            )
            for error in bound.errors:
                label = str(bound.label)
                if row:
                    label = _("Row %(n)d, %(column)s") % {"n": row, "column": label}
                items.append({"href": f"#{bound.auto_id}{suffix}", "text": f"{label}: {error}"})
    return items


def indexed_resolver(rows, index_map=None):
    """For ``budget[2].grant_rub``-style fields: the row form and its input. ``index_map`` maps
    the service's list index to the page's row (blank rows are not sent)."""

    def resolve(field: str):
        match = INDEXED.match(field)
        if not match:
            return None
        index = int(match["index"])
        if index_map is not None:
            if index >= len(index_map):
                return None
            index = index_map[index]
        if index >= len(rows):
            return None
        return rows[index], match["field"]

    return resolve
