"""The Russian catalogue is complete and compiled; English shows the English texts."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import innocluster

LOCALE = Path(innocluster.__file__).parent / "locale"


def po_entries(language: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, is_plural) of each entry of a .po file, without the header."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        strings: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if strings.get("msgid"):
            plural = "msgid_plural" in strings
            value = strings.get("msgstr[0]" if plural else "msgstr", "")
            if plural:
                value = (
                    value if all(v for k, v in strings.items() if k.startswith("msgstr[")) else ""
                )
            entries.append((strings["msgid"], value, plural or "msgctxt" in strings))
    return entries


def test_every_message_has_a_russian_translation():
    missing = [msgid for msgid, msgstr, _plural in po_entries("ru") if not msgstr]
    assert not missing, f"untranslated in ru: {missing[:10]}"


def test_the_compiled_russian_catalogue_matches_the_po_file():
    entries = [(i, s) for i, s, special in po_entries("ru") if not special and "\\" not in i]
    with translation.override("ru"):
        stale = [msgid for msgid, msgstr in entries if translation.gettext(msgid) != msgstr]
    assert not stale, f"run compilemessages: {stale[:5]}"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_choice_labels_are_translated(language):
    from innocluster.registry.choices import MembershipStatus

    with translation.override(language):
        label = str(MembershipStatus.MEMBER.label)
    assert label == {"ru": "Участник", "en": "Member"}[language]
