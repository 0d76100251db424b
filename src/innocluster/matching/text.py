"""Text analysis for search and matching, in Russian and English.

One analyser serves the database's full-text index, the in-memory matcher and the evaluation, so
a word is reduced the same way wherever it is looked for. Each word is lower-cased ("ё" read as
"е"), stop words are dropped, and the rest is stemmed by Snowball (PyStemmer): Cyrillic words by
the Russian stemmer, Latin ones by the English stemmer. Because the stemmer is chosen by script
and not by the document's language, a Latin term inside Russian text ("LiDAR", "IoT", "SLAM")
gets the same stem as in English text, so queries in one language find documents in the other
where they share such terms; documents given in both languages carry both sets of stems.

Stems are cached in a plain dict: a catalogue's vocabulary is small next to its size, and the
index build analyses millions of words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import Stemmer

# Letters and digits, hyphens split words ("цифро-аналоговый" -> two); "_" is not a letter here.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
CYRILLIC = re.compile(r"[а-я]")
LATIN = re.compile(r"[a-z]")
# Longer "words" are noise (hashes, base64, pasted junk); they would only bloat the vocabulary.
MAX_WORD_LENGTH = 40
# A query is cut to this many words: matching a pasted book is neither useful nor cheap.
MAX_QUERY_WORDS = 200


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS_RU = _word_set(
    """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо между меня
    мне может мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень
    по под при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей
    чем что чтобы чье чья эта эти это этот я который которая которые которое которых которым
    свой своя свое свои себя сам сама само сами нам нас вами ними ей ему им ими будет будут
    является являются может можно должен должна должны через после перед около кроме среди
    """
)
STOP_WORDS_EN = _word_set(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves also may must shall via
    per within without upon using use used based new
    """
)
STOP_WORDS = STOP_WORDS_RU | STOP_WORDS_EN

_russian = Stemmer.Stemmer("russian")
_english = Stemmer.Stemmer("english")
_stems: dict[str, str] = {}


def _stem(word: str) -> str:
    stem = _stems.get(word)
    if stem is None:
        if CYRILLIC.search(word):
            stem = _russian.stemWord(word)
        elif LATIN.search(word):
            stem = _english.stemWord(word)
        else:
            stem = word
        if len(_stems) < 2_000_000:  # bounded: a stream of junk words must not grow it forever
            _stems[word] = stem
    return stem


def words(text: str) -> list[str]:
    """The text's words, lower-cased with "ё" as "е", stop words and over-long words left out.

    NFKC folds look-alike forms (full-width letters, ligatures, mathematical alphabets) into the
    letters people mean."""
    lowered = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return [
        word
        for word in WORD.findall(lowered)
        if len(word) <= MAX_WORD_LENGTH
        and word not in STOP_WORDS
        and (_is_number_worth_finding(word) if word.isdigit() else len(word) > 1)
    ]


def _is_number_worth_finding(word: str) -> bool:
    """Patent and registration numbers and years are found by their digits; short numbers and
    the groups of a number written "20 000" are in every text and say nothing about it."""
    return len(word) >= 4 and word.strip("0") != ""


def analyse(text: str) -> list[str]:
    """The text's stems in order, repeats kept (term frequency counts)."""
    return [_stem(word) for word in words(text)]


def analyse_query(text: str) -> list[str]:
    """A query's distinct stems, in first-seen order, at most MAX_QUERY_WORDS of them.

    Anything can be typed: operators, quotes, brackets and odd Unicode are not syntax here, they
    are just not letters, so no query can fail to parse.
    """
    seen: dict[str, None] = {}
    for stem in analyse(text[: MAX_QUERY_WORDS * (MAX_WORD_LENGTH + 1)]):
        seen.setdefault(stem, None)
        if len(seen) >= MAX_QUERY_WORDS:
            break
    return list(seen)


def term_counts(text: str) -> Counter[str]:
    """How often each stem occurs in the text."""
    return Counter(analyse(text))


def surface_forms(text: str) -> dict[str, str]:
    """Each stem of the text mapped to the first word that produced it, to explain a match in the
    words the user wrote rather than in stems."""
    forms: dict[str, str] = {}
    for word in words(text):
        forms.setdefault(_stem(word), word)
    return forms
