"""Navigator use cases: publishing eligibility rules, saving and sharing results, subscribing.

The catalogue's import and sync is in the ``catalogue`` package; evaluation in ``evaluation.py``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import FieldError, NotPermitted, ValidationFailed

from .fields import check_answers
from .models import Measure, RuleVersion, SavedResult, Subscription
from .permissions import may_edit_catalogue, may_read_alerts, may_subscribe
from .rules import compile_rule


def actor_label(actor) -> str:
    return getattr(actor, "email", "") or str(actor or "system")


def check_rules(measure: Measure, rules) -> None:
    """Raise ValidationFailed (fields ``rules...``) unless ``rules`` compile with the measure's
    own requirements: a broken rule never reaches the published catalogue."""
    from .evaluation import measure_requirements

    compile_rule(rules, measure_requirements(measure))


def record_rule_version(measure: Measure, actor, comment: str = "") -> RuleVersion:
    """Give ``measure.rules`` (already saved and checked) the next version number. Call inside
    the transaction that saved it."""
    measure.rules_version += 1
    Measure.objects.filter(pk=measure.pk).update(rules_version=measure.rules_version)
    return RuleVersion.objects.create(
        measure=measure,
        number=measure.rules_version,
        rules=measure.rules,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        author_label=actor_label(actor),
        comment=comment[:500],
    )


def publish_rules(measure: Measure, rules, *, actor, comment: str = "") -> RuleVersion:
    """Publish a new eligibility rule for ``measure`` (operators).

    Args: the measure; the rule (see rules.py; None for no criteria); who; why.
    Returns: the new RuleVersion. Raises NotPermitted, or ValidationFailed naming the place in
    the rule that is wrong (nothing changes). Subscribers are re-evaluated in the background."""
    allowed, reason = may_edit_catalogue(actor)
    if not allowed:
        raise NotPermitted(reason)
    check_rules(measure, rules)
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        if measure.rules == rules:
            raise ValidationFailed(
                [FieldError("rules", _("is the same as the published rule"), "unchanged")]
            )
        before = {"rules": measure.rules, "rules_version": measure.rules_version}
        measure.rules = rules
        measure.save(update_fields=["rules", "updated_at"])
        version = record_rule_version(measure, actor, comment)
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="navigator.rules_published",
            obj=measure,
            before=before,
            after={"rules": rules, "rules_version": version.number},
            summary=comment,
        )
        transaction.on_commit(lambda: measure_changed(measure.code, version.number))
    return version


def measure_changed(code: str, rules_version: int) -> None:
    """A measure was added or changed: re-evaluate the subscribers in the background."""
    from .tasks import notify_subscribers

    notify_subscribers.enqueue(code, rules_version)


def save_result(profile: dict, need: dict, *, owner=None) -> SavedResult:
    """Save a navigator answer to reopen or share (``/navigator/results/<id>/``).

    Args: the profile and the need (checked like an evaluation's: ValidationFailed names the
    field). Returns: the SavedResult, holding only the answers given."""
    answers = check_answers(profile, need)
    return SavedResult.objects.create(
        profile=answers.profile(),
        need=answers.need(),
        owner=owner if getattr(owner, "is_authenticated", False) else None,
    )


def subscribe(organisation, *, actor, email: str = "", answers: dict | None = None) -> Subscription:
    """Ask to be told when a new or changed measure becomes eligible for ``organisation``.

    Args: the organisation; who (its owner, editor or signatory); the e-mail for notices
    (default: the actor's); answers beyond what the registry knows (checked as a profile).
    Returns: the subscription (created or updated). The measures eligible today are
    remembered, so only changes are announced."""
    from .evaluation import evaluate
    from .profile import profile_for_organisation

    allowed, reason = may_subscribe(actor, organisation)
    if not allowed:
        raise NotPermitted(reason)
    # Stored answers are JSON with sums as text ("1200000.50"): checked as a form's are.
    extra = check_answers(answers or {}, lenient=True).profile()
    profile = {**profile_for_organisation(organisation), **extra}
    current = evaluate(check_answers(profile, lenient=True))
    with transaction.atomic():
        subscription, _created = Subscription.objects.update_or_create(
            organisation=organisation,
            defaults={
                "created_by": actor,
                "email": email or actor.email,
                "answers": extra,
                "profile": profile,
                "eligible": sorted(r.code for r in current.eligible),
                "active": True,
            },
        )
        record_event(
            actor=actor,
            action="navigator.subscribed",
            obj=subscription,
            after={"email": subscription.email, "answers": extra},
        )
    return subscription


def unsubscribe(organisation, *, actor) -> None:
    """Stop the notices for ``organisation`` (its alerts stay readable)."""
    allowed, reason = may_subscribe(actor, organisation)
    if not allowed:
        raise NotPermitted(reason)
    with transaction.atomic():
        updated = Subscription.objects.filter(organisation=organisation, active=True)
        for subscription in updated:
            subscription.active = False
            subscription.save(update_fields=["active", "updated_at"])
            record_event(actor=actor, action="navigator.unsubscribed", obj=subscription)


def mark_alerts_read(organisation, *, actor, alert_ids=None) -> int:
    """Mark ``organisation``'s unread alerts read (all, or those of ``alert_ids``).

    Args: the organisation; who (one of its people, see ``may_read_alerts``); which alerts.
    Returns: how many were marked. A reader's own marker, not a change of the organisation's
    data: no audit event."""
    from django.utils import timezone

    from .models import Alert

    allowed, reason = may_read_alerts(actor, organisation)
    if not allowed:
        raise NotPermitted(reason)
    unread = Alert.objects.filter(subscription__organisation=organisation, read_at__isnull=True)
    if alert_ids is not None:
        unread = unread.filter(pk__in=list(alert_ids))
    return unread.update(read_at=timezone.now())
