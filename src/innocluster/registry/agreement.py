"""The accession agreement's text. Its Russian text is binding; an acceptance records the
SHA-256 of exactly these bytes (the document-circulation capability turns it into a signed,
registered document)."""

from functools import cache
from pathlib import Path

VERSION = "2026-1"
DATA_DIR = Path(__file__).parent / "data"


@cache
def text(lang: str = "ru") -> str:
    name = "accession_agreement_en.md" if lang.startswith("en") else "accession_agreement_ru.md"
    return (DATA_DIR / name).read_text(encoding="utf-8")
