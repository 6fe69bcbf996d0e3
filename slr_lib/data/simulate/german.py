"""German words for the simulated weather corpus: numbers written out, gloss spelling, and what
the registry's German word list (`wordfreq`, installed from PyPI) knows and how often it is used.

Nothing here is read from PHOENIX-2014T: the words come from the grammar's own lists
(`weather`) and are kept only where `wordfreq` knows them, which also gives each word its weight.
"""

from __future__ import annotations

from functools import lru_cache

_ONES = (
    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
    "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
    "neunzehn",
)  # fmt: skip
_TENS = ("", "", "zwanzig", "dreißig", "vierzig")
_ORDINAL_STEMS = {1: "ers", 3: "drit", 7: "sieb", 8: "ach"}
_FOLD = str.maketrans({"ä": "AE", "ö": "OE", "ü": "UE", "ß": "SS"})
MAX_NUMBER = 49
"""Largest number the grammar writes out (temperatures, dates, wind speeds)."""


def cardinal(n: int) -> str:
    """`n` (0..MAX_NUMBER) as a German word: 21 -> 'einundzwanzig'."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number {n} outside 0..{MAX_NUMBER}")
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _TENS[tens]
    return f"{'ein' if ones == 1 else _ONES[ones]}und{_TENS[tens]}"


def ordinal(n: int) -> str:
    """The day `n` (1..31) as in 'den zwölften': the weak dative/accusative ending -en."""
    if not 1 <= n <= 31:
        raise ValueError(f"day {n} outside 1..31")
    if n in _ORDINAL_STEMS:
        return f"{_ORDINAL_STEMS[n]}ten"
    return f"{cardinal(n)}{'sten' if n >= 20 else 'ten'}"


def gloss_of(word: str) -> str:
    """A word as a gloss is written: capitals, umlauts and ß folded (süden -> SUEDEN)."""
    return word.lower().translate(_FOLD).upper()


@lru_cache(maxsize=65536)
def frequency(word: str) -> float:
    """How often `word` is used in German (`wordfreq`'s frequency per word; 0 if unknown)."""
    import wordfreq

    return float(wordfreq.word_frequency(word, "de"))


def known(word: str) -> bool:
    """Whether the registry's German word list has `word` (each part of a hyphenated one)."""
    return all(frequency(part) > 0 for part in word.split("-"))
