from django.db import transaction
from django.db.models import F

from .models import NumberSequence


def next_number(name: str) -> int:
    """The next value of sequence ``name``; call inside the transaction that uses it, so a
    rolled-back use gives the number back."""
    with transaction.atomic():
        NumberSequence.objects.get_or_create(name=name)
        NumberSequence.objects.filter(name=name).update(value=F("value") + 1)
        return NumberSequence.objects.select_for_update().get(name=name).value
