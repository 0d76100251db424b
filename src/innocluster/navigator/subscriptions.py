"""Telling subscribers when a measure becomes eligible for them, and keeping their stored
profiles in step with the registry (the work behind ``tasks.py``).

``notify_subscribers`` runs after every published rule (``services.measure_changed``). It reads
the subscriptions as plain rows (no model instances), normalises only the profile fields the
measure's rule reads (memoised per distinct value: most organisations share regions, OKVED codes
and categories), decides, then writes only the subscriptions whose eligibility changed, in
batches, with an alert (the portal's notice) for each newly eligible one. The e-mails go out in
their own task, ``mail_subscribers``, enqueued at the end. Both are safe to re-run: an alert is
created once per subscription, measure and rule version, and mailed until it is marked mailed.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innocluster.core.errors import ValidationFailed
from innocluster.core.ids import uuid7

logger = logging.getLogger(__name__)

CHUNK = 2000  # rows per database round trip when streaming subscriptions
WRITE_BATCH = 900  # ids per statement (below every database's limit of query parameters)
MAIL_BATCH = 500  # messages per SMTP connection round


# ------------------------------------------------------------------------------ deciding


class _Normaliser:
    """The values a compiled rule reads, from stored (JSON) profiles, each distinct raw value
    checked once: ``fields.check_answers`` would check every field of every profile. The
    result is what ``rules.prepare`` gives for those fields (OKVED codes expanded to the codes
    that cover them, memoised too)."""

    def __init__(self, criteria, today: datetime.date):
        from .fields import FIELDS
        from .rules import source_key

        self.today = today
        names = {c.field for c in criteria if c.field}
        self.specs = [(name, FIELDS[name]) for name in sorted(names)]
        self.expanded = sorted(
            {(c.field, source_key(c.field, c.op)) for c in criteria if c.op == "okved"}
        )
        self.memos: dict[str, dict] = {name: {} for name in FIELDS}
        self.prefix_memo: dict = {}
        self.derive_sme = "sme_category" in names
        self.employees, self.revenue = FIELDS["employees"], FIELDS["revenue_rub"]

    def value(self, spec, raw):
        """``raw`` checked and normalised, once per distinct value of each field."""
        from .fields import _check

        memo = self.memos[spec.name]
        key = tuple(raw) if isinstance(raw, list) else raw
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a stored profile edited by hand)
            key = None
        try:
            # Stored profiles hold money as text (Answers.given, profile_for_organisation).
            value = _check(spec, raw, self.today, lenient=True)
        except ValueError:
            value = None  # a stored answer no longer valid is unanswered, never a guess
        if key is not None:
            memo[key] = value
        return value

    def prefixes(self, value):
        """The codes that cover an OKVED code or list (as ``rules.prepare`` expands them)."""
        from .fields import okved_prefixes

        found = self.prefix_memo.get(value)
        if found is None:
            codes = (value,) if isinstance(value, str) else value
            found = frozenset(p for code in codes for p in okved_prefixes(code))
            self.prefix_memo[value] = found
        return found

    def __call__(self, profile: dict) -> dict:
        from .fields import derive_sme_category

        values = {}
        memos = self.memos
        for name, spec in self.specs:
            raw = profile.get(name)
            if raw is None or raw == "" or raw == []:
                values[name] = None
                continue
            try:  # the memo inline: this runs for every field of every subscription
                values[name] = memos[name][raw]
            except (KeyError, TypeError):
                values[name] = self.value(spec, raw)
        if self.derive_sme and values["sme_category"] is None:
            employees, revenue = profile.get("employees"), profile.get("revenue_rub")
            values["sme_category"] = derive_sme_category(
                None if employees is None else self.value(self.employees, employees),
                None if revenue is None else self.value(self.revenue, revenue),
            )
        for name, key in self.expanded:
            value = values[name]
            values[key] = None if value is None else self.prefixes(value)
        return values


def measure_is_relevant(measure, today: datetime.date) -> bool:
    """Whether a business could still use ``measure`` (as ``Catalogue.load`` and ``evaluate``
    see it): not closed and not past its closing date."""
    from .choices import MeasureStatus

    if measure.status == MeasureStatus.CLOSED:
        return False
    return measure.closes_on is None or measure.closes_on >= today


def _decider(measure, today: datetime.date):
    """A function ``profile (stored JSON) -> bool``: is the measure eligible for it today."""
    from .evaluation import measure_requirements
    from .rules import compile_rule, cutoff

    compiled = compile_rule(measure.rules, measure_requirements(measure))
    cutoffs = {period: cutoff(today, period) for period in compiled.periods}
    normalise = _Normaliser(compiled.criteria, today)
    decide = compiled.decide

    def eligible(profile) -> bool:
        if not isinstance(profile, dict):
            return False
        return decide(normalise(profile), cutoffs)[0] is True

    return eligible


# ------------------------------------------------------------------------------ notifying


def notify(code: str, rules_version: int, *, today: datetime.date | None = None) -> dict:
    """Re-evaluate every active subscription against measure ``code``; see the module docstring.

    Returns counts: ``subscriptions`` evaluated, ``eligible`` now, ``added`` and ``removed``
    (codes added to or removed from subscriptions' ``eligible``), ``alerts`` created (their
    e-mails follow in ``mail_subscribers``).
    A task for an older rule version than the measure's does nothing (the newer one's task
    follows)."""
    from .models import Alert, Measure, Subscription

    counts = dict.fromkeys(("subscriptions", "eligible", "added", "removed", "alerts"), 0)
    measure = Measure.objects.select_related("provider").filter(code=code).first()
    if measure is None or measure.rules_version > rules_version:
        return counts
    today = today or timezone.localdate()
    if measure_is_relevant(measure, today):
        try:
            eligible = _decider(measure, today)
        except ValidationFailed:
            logger.exception("The published rule of %s does not compile", code)
            return counts
    else:
        eligible = None  # a closed measure is eligible for nobody

    # 1. Decide, streaming plain rows: who became eligible, who no longer is.
    fast = connection.vendor in ("sqlite", "postgresql")
    became, ceased = [], []
    for pk, profile, was in _rows(code) if fast else _model_rows(code):
        counts["subscriptions"] += 1
        now = eligible is not None and eligible(profile)
        counts["eligible"] += now
        if now and not was:
            became.append(pk)
        elif was and not now:
            ceased.append(pk)

    # 2. Write only the changes, in batches, each row changed in place (see _write_eligible),
    # with an alert for each subscription the measure became eligible for.
    alerted = {
        Subscription._meta.pk.get_db_prep_value(pk, connection) if fast else pk
        for pk in Alert.objects.filter(measure=measure, rules_version=rules_version).values_list(
            "subscription_id", flat=True
        )
    }
    write = _write_eligible if fast else _write_eligible_rows
    for ids, add in ((became, True), (ceased, False)):
        for start in range(0, len(ids), WRITE_BATCH):
            batch = ids[start : start + WRITE_BATCH]
            with transaction.atomic():
                changed = write(batch, code, add)
                if add:
                    new = [pk for pk in changed if pk not in alerted]
                    _create_alerts(new, measure, rules_version, fast)
                    counts["alerts"] += len(new)
                    counts["added"] += len(changed)
                else:
                    counts["removed"] += len(changed)

    # 3. The e-mails go out in their own task (rendering and sending thousands of messages
    # takes longer than deciding); it mails every alert of this version not yet mailed, so a
    # failed or interrupted run's too. The alerts are in the portal already.
    if (
        counts["alerts"]
        or Alert.objects.filter(
            measure=measure, rules_version=rules_version, emailed_at__isnull=True
        ).exists()
    ):
        from .tasks import mail_subscribers

        mail_subscribers.enqueue(code, rules_version)
    return counts


def _sql_names():
    from .models import Alert, Subscription

    qn = connection.ops.quote_name
    sub, alert = Subscription._meta, Alert._meta
    return {
        "subscription": qn(sub.db_table),
        "id": qn(sub.pk.column),
        "profile": qn(sub.get_field("profile").column),
        "eligible": qn(sub.get_field("eligible").column),
        "active": qn(sub.get_field("active").column),
        "alert": qn(alert.db_table),
        "alert_columns": ", ".join(
            qn(alert.get_field(name).column)
            for name in ("id", "subscription", "measure", "rules_version", "created_at")
        ),
    }


def _has_code(n: dict) -> str:
    """SQL: the subscription's ``eligible`` holds the code given as a parameter."""
    if connection.vendor == "postgresql":
        return f"jsonb_exists({n['eligible']}, %s)"
    each = f"json_each({n['subscription']}.{n['eligible']})"
    return f"EXISTS (SELECT 1 FROM {each} WHERE value = %s)"  # noqa: S608 (quoted model metadata)


def _rows(code: str):
    """Active subscriptions as (id as the database has it, profile, holds ``code`` already):
    read by one cursor, the profile decoded here and the rest answered by the database; the
    ORM's per-row conversions would cost more than the decision."""
    n = _sql_names()
    sql = (
        f"SELECT {n['id']}, {n['profile']}, {_has_code(n)} FROM {n['subscription']} "  # noqa: S608 (quoted model metadata)
        f"WHERE {n['active']}"
    )
    loads = json.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [code])
        while rows := cursor.fetchmany(CHUNK):
            for pk, profile, has in rows:
                if isinstance(profile, str):
                    try:
                        profile = loads(profile)
                    except ValueError:
                        profile = None
                yield pk, profile, bool(has)


def _model_rows(code: str):
    """``_rows`` for other databases, through the ORM."""
    from .models import Subscription

    rows = (
        Subscription.objects.filter(active=True)
        .order_by()
        .values_list("pk", "profile", "eligible")
        .iterator(chunk_size=CHUNK)
    )
    for pk, profile, known in rows:
        yield pk, profile, isinstance(known, list) and code in known


def _create_alerts(ids: list, measure, rules_version: int, fast: bool) -> None:
    """An alert for each subscription of ``ids`` (database values when ``fast``)."""
    from .models import Alert

    if not ids:
        return
    if not fast:
        Alert.objects.bulk_create(
            [Alert(subscription_id=pk, measure=measure, rules_version=rules_version) for pk in ids]
        )
        return
    meta = Alert._meta
    prep_id = meta.pk.get_db_prep_value
    measure_id = meta.get_field("measure").get_db_prep_save(measure.pk, connection)
    created = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    n = _sql_names()
    # One INSERT per batch: on PostgreSQL from two arrays (five parameters: the driver parses
    # the statement's text), on SQLite as rows of VALUES (ids come in batches of WRITE_BATCH:
    # 4,500 parameters, under SQLite's limit).
    insert = f"INSERT INTO {n['alert']} ({n['alert_columns']}) "  # noqa: S608 (quoted model metadata)
    if connection.vendor == "postgresql":
        sql = insert + "SELECT unnest(%s::uuid[]), unnest(%s::uuid[]), %s, %s, %s"
        params = [[uuid7() for _ in ids], list(ids), measure_id, rules_version, created]
    else:
        sql = insert + "VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids))
        params = []
        for pk in ids:
            params += (prep_id(uuid7(), connection), pk, measure_id, rules_version, created)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write_eligible(ids: list, code: str, add: bool) -> list:
    """Add ``code`` to (or remove it from) the ``eligible`` of subscriptions ``ids`` (database
    values) that lack (or have) it now; returns the ids changed. One statement per batch on
    SQLite and PostgreSQL, each row changed in place, so two measures' tasks running at once
    never lose each other's codes. Call inside a transaction."""
    n = _sql_names()
    table, column, key = n["subscription"], n["eligible"], n["id"]
    # Only quoted names from the model's metadata are formatted in; every value is a parameter.
    if connection.vendor == "postgresql":
        change = f"{column} || to_jsonb(%s::text)" if add else f"{column} - %s::text"
        where = f"{key} = ANY(%s)"
        params = [code, list(ids), code]
    else:
        change = (
            f"json_insert({column}, '$[#]', %s)"
            if add
            else f"(SELECT json_group_array(value) FROM json_each({table}.{column}) "  # noqa: S608
            "WHERE value <> %s)"
        )
        where = f"{key} IN ({', '.join(['%s'] * len(ids))})"
        params = [code, *ids, code]
    sql = f"UPDATE {table} SET {column} = {change} WHERE {where} AND "  # noqa: S608
    sql += f"{'NOT ' if add else ''}{_has_code(n)} RETURNING {key}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _write_eligible_rows(ids: list, code: str, add: bool) -> list:
    """``_write_eligible`` for other databases: the rows re-read under lock, then updated."""
    from .models import Subscription

    current = (
        Subscription.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "eligible")
    )
    objects = []
    for pk, known in current:
        codes = list(known) if isinstance(known, list) else []
        if (code in codes) == add:
            continue
        objects.append(
            Subscription(pk=pk, eligible=codes + [code] if add else [c for c in codes if c != code])
        )
    Subscription.objects.bulk_update(objects, ["eligible"], batch_size=WRITE_BATCH)
    return [o.pk for o in objects]


def _url(name: str, *args) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = reverse("navigator:start")
    return settings.SITE_URL.rstrip("/") + path


def _texts(measure, lang: str):
    """The subject of an alert's e-mail in ``lang``, and its body as a function of the
    organisation's name."""
    with translation.override(lang):
        name = measure.name_en if lang == "en" and measure.name_en else measure.name_ru
        provider = measure.provider
        provider_name = provider.name_en if lang == "en" and provider.name_en else provider.name_ru
        subject = _("A support measure now fits you: %(measure)s") % {"measure": name}
        template = _(
            "A support measure of %(provider)s is now eligible for %(organisation)s, by its "
            "profile in the support navigator:\n\n%(measure)s\n\n"
            "The measure, its terms and how to apply: %(link)s\n\n"
            "You receive this because your organisation subscribed to the navigator's notices. "
            "All your notices, and how to stop them: %(alerts)s"
        )
    params = {
        "measure": name,
        "provider": provider_name,
        "link": _url("navigator:measure", measure.code),
        "alerts": _url("navigator:alerts"),
    }
    return subject, lambda organisation: template % {**params, "organisation": organisation}


def mail_alerts(measure, rules_version: int) -> int:
    """E-mail the subscribers of the not yet mailed alerts of ``measure`` at ``rules_version``:
    in the subscriber's language when the user who subscribed chose one, else in Russian with
    English below; marks them mailed. Returns how many were sent."""
    from .models import Alert

    texts = {lang: _texts(measure, lang) for lang in ("ru", "en")}
    both_subject = f"{texts['ru'][0]} / {texts['en'][0]}"
    rows = (
        Alert.objects.filter(
            measure=measure,
            rules_version=rules_version,
            emailed_at__isnull=True,
            subscription__active=True,
        )
        .order_by()
        .values_list(
            "pk",
            "subscription__email",
            "subscription__created_by__preferred_language",
            "subscription__organisation__name_ru",
            "subscription__organisation__name_en",
        )
    )
    # Read first, then send and mark batch by batch: the rows being marked are the ones read
    # (SQLite must not update a table under an open cursor on it).
    pending = list(rows)
    sent = 0
    backend = get_connection()
    with backend:
        for start in range(0, len(pending), MAIL_BATCH):
            batch = pending[start : start + MAIL_BATCH]
            messages = []
            for _pk, email, lang, name_ru, name_en in batch:
                name_en = name_en or name_ru
                if lang in texts:
                    subject, body = texts[lang]
                    text = body(name_en if lang == "en" else name_ru)
                else:
                    subject = both_subject
                    text = f"{texts['ru'][1](name_ru)}\n\n— English —\n\n{texts['en'][1](name_en)}"
                messages.append(EmailMessage(subject, text, None, [email], connection=backend))
            backend.send_messages(messages)
            Alert.objects.filter(pk__in=[row[0] for row in batch]).update(emailed_at=timezone.now())
            sent += len(batch)
    return sent


# ------------------------------------------------------------------------------ profiles


def refresh_profiles(organisation_ids=None) -> int:
    """Rebuild the stored profile of each active subscription (of ``organisation_ids``, or all)
    from the registry plus the subscription's own answers. ``eligible`` stays as last
    announced, so a measure the new profile makes eligible is announced when it next changes.
    Returns the number of profiles that changed."""
    from .fields import check_answers
    from .models import Subscription
    from .profile import profile_for_organisation

    subscriptions = (
        Subscription.objects.filter(active=True)
        .select_related("organisation")
        .prefetch_related(
            "organisation__okved_extra", "organisation__revenues", "organisation__priority_areas"
        )
        .only("pk", "profile", "answers", "organisation")
        .order_by("pk")
    )
    if organisation_ids is not None:
        subscriptions = subscriptions.filter(organisation_id__in=list(organisation_ids))
    changed = []
    for subscription in subscriptions.iterator(chunk_size=CHUNK):
        profile = {**profile_for_organisation(subscription.organisation)}
        answers = subscription.answers if isinstance(subscription.answers, dict) else {}
        profile.update(answers)
        try:
            check_answers(profile, lenient=True)
        except ValidationFailed:
            # The registry says something the contract refuses (it should not): keep the
            # subscription's own answers over what can be checked, drop the rest.
            profile = _valid_part(profile)
        if profile != subscription.profile:
            subscription.profile = profile
            changed.append(subscription)
    Subscription.objects.bulk_update(changed, ["profile"], batch_size=WRITE_BATCH)
    return len(changed)


def _valid_part(profile: dict) -> dict:
    from .fields import check_answers

    kept = {}
    for name, value in profile.items():
        try:
            check_answers({name: value}, lenient=True)
        except ValidationFailed:
            continue
        kept[name] = value
    return kept
