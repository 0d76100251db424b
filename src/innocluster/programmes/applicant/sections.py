"""The sections of an application, each a form saved whole through its service against the
version the editor loaded: details, answers to the call's form, budget, milestones, KPI targets
and attachments. After submission (and for viewers and the Fund) they are read-only."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from innocluster.core.errors import DomainError
from innocluster.core.views import signed_in

from .. import services
from ..checks import required_document_codes
from ..choices import CostCategory, InnovationType, KpiCode
from ..forms import (
    AnswersForm,
    AttachmentForm,
    BudgetRowForm,
    DetailsForm,
    KpiForm,
    MilestoneRowForm,
    VersionField,
    _bilingual,
    _plain,
)
from ..selectors import AREA_LABELS, lang, money, share
from .common import (
    INDEXED,
    Refusal,
    application_for,
    decorate,
    indexed_resolver,
    page_context,
    summary,
)

TEMPLATES = "programmes/applications/"
EMPTY_ROWS = 3  # blank rows offered below the saved ones ("add rows" adds as many again)


def _posted_version(request) -> int:
    return VersionField().clean(request.POST.get("version"))


def _render(request, application, section, context, forms, refusal=None, rows=()):
    all_forms = [*forms, *rows]
    decorate(*all_forms)
    refusal = refusal or Refusal()
    status = refusal.status
    if status == 200 and any(f.is_bound and f.errors for f in all_forms):
        status = 422
    page = page_context(request, application, section)
    page.update(context)
    page.update({"refusal": refusal, "errors": summary(all_forms, refusal), "rows": rows})
    return render(request, f"{TEMPLATES}{section}.html", page, status=status)


def _saved(request, application, section: str):
    messages.success(request, _("Saved."))
    return redirect(f"applications:{section}", application_id=application.pk)


def _methods(request) -> bool:
    return request.method in ("GET", "HEAD", "POST")


def _not_allowed():
    from django.http import HttpResponseNotAllowed

    return HttpResponseNotAllowed(["GET", "HEAD", "POST"])


# --- Details -----------------------------------------------------------------------------------


@signed_in
def details(request, application_id):
    """The project's title, summary, priority area and innovation type."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    call = application.call
    refusal = Refusal()
    if request.method == "POST":
        form = DetailsForm(request.POST, call=call)
        if form.is_valid():
            try:
                services.save_details(
                    application,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.service_kwargs(),
                )
            except DomainError as error:
                refusal = Refusal(error, lambda field: (form, field))
            else:
                return _saved(request, application, "details")
    else:
        form = DetailsForm(
            call=call,
            initial={
                "version": application.version,
                "title": application.title,
                "summary": application.summary,
                "priority_area": application.priority_area,
                "innovation_type": application.innovation_type,
            },
        )
    shown = {
        "area_label": AREA_LABELS.get(application.priority_area, application.priority_area),
        "type_label": dict(InnovationType.choices).get(
            application.innovation_type, application.innovation_type
        ),
    }
    return _render(request, application, "details", {"form": form, **shown}, [form], refusal)


# --- Answers to the call's form ----------------------------------------------------------------


def _specs(application) -> list:
    call = application.call
    return call.form_version.fields if call.form_version_id else []


def _answer_rows(specs, answers) -> list[dict]:
    """The answers as read: each field's label and its value in words."""
    rows = []
    for spec in specs:
        if not isinstance(spec, dict) or not spec.get("name"):
            continue
        value = answers.get(spec["name"])
        labels = {
            c.get("code"): _bilingual(c.get("label"), c.get("code"))
            for c in spec.get("choices") or []
            if isinstance(c, dict)
        }
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif isinstance(value, list):
            value = ", ".join(str(labels.get(v, v)) for v in value)
        elif value is not None:
            value = str(labels.get(value, value)) if isinstance(value, str) else str(value)
        rows.append({"label": _bilingual(spec.get("label"), spec["name"]), "value": value})
    return rows


@signed_in
def answers(request, application_id):
    """The call's application form (its form version's fields)."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    specs = _specs(application)
    refusal = Refusal()
    version = application.version
    if request.method == "POST":
        version = _posted_version(request)
        form = AnswersForm(request.POST, specs=specs)
        if form.is_valid():
            try:
                services.save_answers(
                    application, form.answers(), actor=request.user, expected_version=version
                )
            except DomainError as error:

                def resolve(field):
                    if field.startswith("answers."):
                        return form, field.split(".", 1)[1]
                    return form, None

                refusal = Refusal(error, resolve)
            else:
                return _saved(request, application, "answers")
    else:
        form = AnswersForm(specs=specs, answers=application.answers or {})
    context = {
        "form": form,
        "version": version,
        "answer_rows": _answer_rows(specs, application.answers or {}),
    }
    return _render(request, application, "answers", context, [form], refusal)


# --- Rows: budget and milestones ---------------------------------------------------------------


def _row_count(request, saved: int) -> int:
    text = str(request.POST.get("rows", "")).strip()
    count = int(text) if text.isdigit() and len(text) < 5 else saved
    if "add_rows" in request.POST:
        count += EMPTY_ROWS
    return max(1, min(count, services.MAX_LINES))


def _rows_section(request, application, section, form_class, saved_initial, save, context):
    """A section of rows: the saved ones plus a few blank ones; "add rows" posts the page back
    with more blank rows and saves nothing; blank rows are left out when saving."""
    refusal = Refusal()
    version = application.version
    if request.method == "POST":
        version = _posted_version(request)
        count = _row_count(request, len(saved_initial))
        rows = [form_class(request.POST, index=i) for i in range(count)]
        valid = all(row.is_valid() for row in rows)
        # "add rows" saves nothing: the rows come back as typed, with blank ones below.
        if "add_rows" not in request.POST and valid:
            index_map = [i for i, row in enumerate(rows) if not row.is_blank()]
            try:
                save([rows[i] for i in index_map], version)
            except DomainError as error:
                refusal = Refusal(error, indexed_resolver(rows, index_map))
            else:
                return _saved(request, application, section)
    else:
        count = len(saved_initial) + EMPTY_ROWS
        rows = [
            form_class(index=i, initial=saved_initial[i] if i < len(saved_initial) else None)
            for i in range(count)
        ]
    context = {**context, "version": version, "row_count": len(rows)}
    return _render(request, application, section, context, [], refusal, rows=rows)


def _budget_totals(application) -> dict:
    lines = list(application.budget_lines.all())
    grant = sum((line.grant_rub for line in lines), Decimal(0))
    cofinancing = sum((line.cofinancing_rub for line in lines), Decimal(0))
    total = grant + cofinancing
    call = application.call
    return {
        "lines": lines,
        "grant": money(grant),
        "cofinancing": money(cofinancing),
        "total": money(total),
        "share": share(cofinancing / total) if total > 0 else "—",
        "max_grant": money(call.max_grant_rub),
        "min_share": share(call.cofinancing_min_share),
        "over_grant": grant > call.max_grant_rub,
        "under_share": bool(
            call.cofinancing_min_share
            and total > 0
            and cofinancing / total < call.cofinancing_min_share
        ),
    }


@signed_in
def budget(request, application_id):
    """The budget: a row per cost category and year, the grant and the co-financing, with the
    totals and the call's limits."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    lines = list(application.budget_lines.order_by("year", "category"))
    saved = [
        {
            "category": line.category,
            "year": line.year,
            "grant_rub": _plain(line.grant_rub),
            "cofinancing_rub": _plain(line.cofinancing_rub),
        }
        for line in lines
    ]

    def save(rows, version):
        services.save_budget(
            application,
            [row.line() for row in rows],
            actor=request.user,
            expected_version=version,
        )

    categories = dict(CostCategory.choices)
    context = {
        "totals": _budget_totals(application),
        "saved_lines": [
            {
                "category": categories.get(line.category, line.category),
                "year": line.year,
                "grant": money(line.grant_rub),
                "cofinancing": money(line.cofinancing_rub),
            }
            for line in lines
        ],
    }
    return _rows_section(request, application, "budget", BudgetRowForm, saved, save, context)


@signed_in
def milestones(request, application_id):
    """The milestones: number, title, deliverables, due date and the grant tranche."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    saved_milestones = list(application.milestones.order_by("number"))
    saved = [
        {
            "title": m.title,
            "deliverables": m.deliverables,
            "due_on": m.due_on.isoformat(),
            "tranche_rub": _plain(m.tranche_rub),
        }
        for m in saved_milestones
    ]

    def save(rows, version):
        services.save_milestones(
            application,
            [row.milestone() for row in rows],
            actor=request.user,
            expected_version=version,
        )

    tranches = sum((m.tranche_rub for m in saved_milestones), Decimal(0))
    context = {
        "saved_milestones": [
            {"milestone": m, "tranche": money(m.tranche_rub)} for m in saved_milestones
        ],
        "tranches_total": money(tranches),
        "grant_total": _budget_totals(application)["grant"],
    }
    return _rows_section(request, application, "milestones", MilestoneRowForm, saved, save, context)


# --- KPI targets -------------------------------------------------------------------------------


@signed_in
def kpi(request, application_id):
    """The KPI targets the consortium commits to."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    targets = {t.kpi: t.target for t in application.kpi_targets.all()}
    refusal = Refusal()
    version = application.version
    if request.method == "POST":
        version = _posted_version(request)
        form = KpiForm(request.POST)
        if form.is_valid():
            items, names = form.targets()

            def resolve(field):
                # kpi[i].target names the i-th indicator sent: its input on the page.
                match = INDEXED.match(field)
                if match and int(match["index"]) < len(names):
                    return form, names[int(match["index"])]
                return form, None

            try:
                services.save_kpi_targets(
                    application, items, actor=request.user, expected_version=version
                )
            except DomainError as error:
                refusal = Refusal(error, resolve)
            else:
                return _saved(request, application, "kpi")
    else:
        form = KpiForm(targets=targets)
    context = {
        "form": form,
        "version": version,
        "saved_targets": [
            {"label": label, "value": _plain(targets[code])}
            for code, label in KpiCode.choices
            if code in targets
        ],
    }
    return _render(request, application, "kpi", context, [form], refusal)


# --- Attachments -------------------------------------------------------------------------------


def call_documents(call) -> list[dict]:
    """The call's documents: code, name in the page's language, required or optional."""
    required = set(required_document_codes(call))
    documents = []
    for item in call.required_documents or []:
        if isinstance(item, str):
            documents.append({"code": item, "name": item, "required": item in required})
        elif isinstance(item, dict) and item.get("code"):
            code = str(item["code"])
            name = item.get(f"name_{lang()}") or item.get("name_ru") or code
            documents.append({"code": code, "name": name, "required": code in required})
    return documents


@signed_in
def attachments(request, application_id):
    """The call's required documents with the files attached for each, supporting material,
    and the upload form."""
    if not _methods(request):
        return _not_allowed()
    application = application_for(request.user, application_id)
    documents = call_documents(application.call)
    refusal = Refusal()
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES, documents=documents)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            name, content = "", b""
            if upload is not None:
                name = upload.name
                # Read one byte past the limit at most: the service refuses it as too large.
                content = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
            try:
                services.add_attachment(
                    application,
                    form.cleaned_data.get("required_document") or "",
                    name,
                    content,
                    actor=request.user,
                )
            except DomainError as error:
                names = {"filename": "file", "content": "file"}
                refusal = Refusal(error, lambda field: (form, names.get(field, field)))
            else:
                messages.success(request, _("The file is attached."))
                return redirect("applications:attachments", application_id=application.pk)
    else:
        form = AttachmentForm(documents=documents, initial={"version": application.version})
    files = list(application.attachments.order_by("uploaded_at", "id"))
    by_code: dict[str, list] = {}
    for item in files:
        by_code.setdefault(item.required_document, []).append(item)
    context = {
        "form": form,
        "documents": [{**doc, "files": by_code.get(doc["code"], [])} for doc in documents],
        "supporting": by_code.get("", []),
    }
    return _render(request, application, "attachments", context, [form], refusal)
