"""German weather forecasts (the PHOENIX-like corpus): sentences from a grammar, and the DGS-like
gloss sequences a signer produces from them.

**Sentences.** A forecast (one source video) opens with a greeting or the date, then says what
the weather does where and when: clauses drawn from `CLAUSES`, one to three per sentence,
joined by a connective. Slots are filled from word lists written for this module; a filler is
kept only where the registry's German word list (`wordfreq`) knows it, and is drawn as often as
German uses it, so rare words (a `graupelschauer`, the `uckermark`) are rare here too.
Compound nouns are formed from a modifier and a head and kept where `wordfreq` knows the
compound. Numbers and dates are written out, text is lower case, and a sentence ends in ' .',
as PHOENIX-2014T's translations are written.

**Glosses.** Every content word of the grammar carries the gloss of its concept (`Word.gloss`:
`regenschauer` -> REGEN, `sonnig` -> SONNE, `zwölften` -> ZWOELF) and a role (time, place,
verb or other). A signer (`sign_sentence`) then translates rather than transliterates, under
the knobs of `SigningParams`: a word is left unsigned, or signed with a paraphrase
(`PARAPHRASES`: TEMPERATUR as GRAD, TROCKEN as KEIN REGEN), a sign is repeated (REGEN REGEN),
a sign the sentence does not say is added (`ADDED`, or a sign of the previous sentence), and
signs are put in DGS order: time first, then place, the verb last. The knobs marked CALIBRATED
in params.yaml were fitted once against real PHOENIX-2014T figures (`slr_lib.data.calibration`).

This module is the simulator's: no method may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from slr_lib.data.simulate.german import cardinal, frequency, gloss_of, known, ordinal
from slr_lib.data.simulate.grammar import GlossUnit

ROLES = ("time", "place", "verb", "other")
_ROLE_MARKS = {"t": "time", "p": "place", "v": "verb"}


@dataclass(frozen=True)
class Word:
    """One word of a sentence: its text, the gloss of its concept (None: a function word that
    no sign renders; several glosses are separated by spaces) and its role in sign order."""

    text: str
    gloss: str | None = None
    role: str = "other"


def phrase(spec: str, role: str = "other") -> tuple[Word, ...]:
    """Words from a spec such as 'in der nacht=NACHT/t': `word=GLOSS` is a content word (a
    `/t`, `/p` or `/v` suffix sets its role, else `role`), a bare word a function word."""
    words = []
    for token in spec.split():
        text, _, gloss = token.partition("=")
        gloss, _, mark = gloss.partition("/")
        words.append(Word(text, gloss.replace("_", " ") or None, _ROLE_MARKS.get(mark, role)))
    return tuple(words)


# --------------------------------------------------------------------------- word lists

DIRECTIONS = (
    ("norden", "NORD"), ("süden", "SUED"), ("osten", "OST"), ("westen", "WEST"),
    ("nordosten", "NORDOST"), ("nordwesten", "NORDWEST"), ("südosten", "SUEDOST"),
    ("südwesten", "SUEDWEST"),
)  # fmt: skip
WIND_DIRECTIONS = ("nord", "nordost", "ost", "südost", "süd", "südwest", "west", "nordwest")
# places by the preposition and article they take; a name's gloss is the name
PLACES_IN = [
    "deutschland",
    "bayern",
    "sachsen",
    "thüringen",
    "hessen",
    "brandenburg",
    "niedersachsen",
    "mecklenburg",
    "vorpommern",
    "holstein",
    "schleswig",
    "franken",
    "schwaben",
    "baden",
    "württemberg",
    "westfalen",
    "rheinland",
    "oberbayern",
    "niederbayern",
    "berlin",
    "hamburg",
    "bremen",
    "münchen",
    "köln",
    "dresden",
    "leipzig",
    "stuttgart",
    "hannover",
    "frankfurt",
    "nürnberg",
    "rostock",
    "kiel",
    "freiburg",
    "magdeburg",
    "erfurt",
    "potsdam",
    "schwerin",
    "düsseldorf",
    "dortmund",
    "essen",
    "bonn",
    "aachen",
    "münster",
    "bielefeld",
    "kassel",
    "göttingen",
    "würzburg",
    "regensburg",
    "passau",
    "augsburg",
    "ulm",
    "konstanz",
    "karlsruhe",
    "mannheim",
    "saarbrücken",
    "trier",
    "koblenz",
    "mainz",
    "wiesbaden",
    "darmstadt",
    "jena",
    "weimar",
    "chemnitz",
    "zwickau",
    "görlitz",
    "cottbus",
    "stralsund",
    "greifswald",
    "lübeck",
    "flensburg",
    "husum",
    "sylt",
    "rügen",
    "usedom",
    "helgoland",
    "oldenburg",
    "osnabrück",
    "österreich",
    "polen",
    "frankreich",
    "tschechien",
    "dänemark",
    "skandinavien",
]
PLACES_IM = [
    "allgäu",
    "schwarzwald",
    "erzgebirge",
    "harz",
    "sauerland",
    "emsland",
    "bergland",
    "flachland",
    "mittelgebirge",
    "alpenvorland",
    "rheintal",
    "oberrhein",
    "vogtland",
    "spessart",
    "odenwald",
    "saarland",
    "münsterland",
    "binnenland",
    "hochland",
]
PLACES_IN_DER = ["eifel", "lausitz", "uckermark", "rhön", "pfalz", "altmark", "prignitz", "mitte"]
PLACES_AN_DER = ["küste", "nordsee", "ostsee", "nordseeküste", "ostseeküste", "elbe", "donau"]
PLACES_IN_DEN = (
    ("alpen", "ALPEN"), ("bergen", "BERG"), ("mittelgebirgen", "BERG"), ("hochlagen", "HOCH"),
    ("niederungen", "TIEF"), ("tälern", "TAL"), ("flussniederungen", "FLUSS"),
)  # fmt: skip
WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
MONTHS = (
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember",
)  # fmt: skip
TIMES = (
    "morgen=MORGEN", "heute=HEUTE", "übermorgen=UEBERMORGEN", "heute=HEUTE nacht=NACHT",
    "in der nacht=NACHT", "am tag=TAG", "am vormittag=VORMITTAG", "am nachmittag=NACHMITTAG",
    "am abend=ABEND", "am wochenende=WOCHENENDE", "später=SPAETER", "zunächst=ZUERST",
    "anfangs=ANFANG", "im laufe=VERLAUF des tages=TAG", "in den nächsten=NAECHSTE tagen=TAG",
    "tagsüber=TAG", "nachts=NACHT", "morgens=MORGEN", "abends=ABEND", "vormittags=VORMITTAG",
    "nachmittags=NACHMITTAG", "in der neuen=NEU woche=WOCHE", "bis zum abend=ABEND",
)  # fmt: skip
# precipitation and other weather nouns: modifier + plural head, kept where wordfreq knows it
MODIFIERS = (
    ("regen", "REGEN"), ("schnee", "SCHNEE"), ("gewitter", "GEWITTER"), ("hagel", "HAGEL"),
    ("graupel", "GRAUPEL"), ("niesel", "REGEN"), ("sprüh", "REGEN"), ("dauer", "DAUER"),
    ("stark", "STARK"), ("platz", "REGEN"), ("sturm", "STURM"), ("orkan", "ORKAN"),
    ("wind", "WIND"), ("nebel", "NEBEL"), ("frost", "FROST"), ("schauer", "SCHAUER"),
    ("unwetter", "UNWETTER"), ("hitze", "HEISS"), ("kälte", "KALT"), ("boden", "BODEN"),
    ("nacht", "NACHT"), ("polar", "POLAR"), ("kalt", "KALT"), ("warm", "WARM"),
    ("wolken", "WOLKE"), ("sonnen", "SONNE"), ("küsten", "KUESTE"), ("berg", "BERG"),
    ("höhen", "HOCH"), ("tiefdruck", "TIEF"), ("hochdruck", "HOCH"), ("meeres", "MEER"),
    ("sommer", "SOMMER"), ("winter", "WINTER"), ("früh", "FRUEH"), ("tages", "TAG"),
    ("luft", "LUFT"), ("eis", "EIS"), ("schnee", "SCHNEE"), ("sahara", "SAHARA"),
)  # fmt: skip
HEADS = (
    "schauer",
    "fälle",
    "gebiete",
    "felder",
    "böen",
    "wolken",
    "regen",
    "front",
    "fronten",
    "bänke",
    "luft",
    "massen",
    "gewitter",
    "temperaturen",
    "werte",
    "gefahr",
    "warnungen",
    "lagen",
    "tage",
    "nächte",
    "grenze",
    "zone",
    "decke",
    "glätte",
    "staub",
    "frost",
    "nebel",
    "ausläufer",
    "einfluss",
    "wirbel",
    "zellen",
    "brücke",
    "sturm",
)
PLAIN_NOUNS = (
    ("schauer", "SCHAUER"), ("gewitter", "GEWITTER"), ("niederschläge", "REGEN"),
    ("regenfälle", "REGEN"), ("böen", "WIND"), ("wolken", "WOLKE"), ("nebelfelder", "NEBEL"),
    ("unwetter", "UNWETTER"), ("schneefälle", "SCHNEE"), ("sturmböen", "STURM"),
)  # fmt: skip
SNOW = (("schnee", "SCHNEE"), ("neuschnee", "SCHNEE"), ("schneeregen", "SCHNEE"),
        ("regen", "REGEN"), ("graupel", "GRAUPEL"), ("hagel", "HAGEL"))  # fmt: skip
AMOUNTS = (
    ("einzelne", "EINZELN"), ("kräftige", "KRAEFTIG"), ("heftige", "HEFTIG"),
    ("örtliche", "OERTLICH"), ("dichte", "DICHT"), ("leichte", "LEICHT"), ("starke", "STARK"),
    ("ergiebige", "ERGIEBIG"), ("vereinzelte", "EINZELN"), ("teils kräftige", "TEIL KRAEFTIG"),
    ("viele", "VIEL"), ("wenige", "WENIG"), ("schwere", "SCHWER"), ("gewittrige", "GEWITTER"),
    ("weitere", "WEITER"), ("neue", "NEU"),
)  # fmt: skip
SKY = (
    ("freundlich", "FREUNDLICH"), ("sonnig", "SONNE"), ("heiter", "HEITER"),
    ("wolkig", "WOLKE"), ("bewölkt", "WOLKE"), ("bedeckt", "WOLKE"), ("trüb", "TRUEB"),
    ("trocken", "TROCKEN"), ("nass", "NASS"), ("wechselhaft", "WECHSELHAFT"),
    ("unbeständig", "WECHSELHAFT"), ("grau", "GRAU"), ("neblig", "NEBEL"), ("klar", "KLAR"),
    ("sommerlich", "SOMMER"), ("winterlich", "WINTER"), ("herbstlich", "HERBST"),
    ("freundlicher", "FREUNDLICH"), ("ruhig", "RUHIG"), ("windig", "WIND"),
    ("stürmisch", "STURM"), ("regnerisch", "REGEN"), ("frühlingshaft", "FRUEHLING"),
)  # fmt: skip
MODERATORS = (
    ("meist", "MEISTENS"), ("überwiegend", "MEISTENS"), ("teilweise", "TEIL"),
    ("oft", "OFT"), ("zeitweise", "ZEIT"), ("ziemlich", "ZIEMLICH"), ("recht", None),
    ("überall", "UEBERALL"), ("weitgehend", "MEISTENS"), ("zunehmend", "MEHR"),
)  # fmt: skip
INTENSITIES = (
    ("kräftig", "KRAEFTIG"), ("leicht", "LEICHT"), ("zeitweise", "ZEIT"),
    ("ergiebig", "ERGIEBIG"), ("anhaltend", "DAUER"), ("gebietsweise", "REGION"),
    ("immer wieder", "IMMER WIEDER"), ("länger", "LANG"), ("heftig", "HEFTIG"),
    ("stark", "STARK"), ("gelegentlich", "MANCHMAL"), ("kaum", "WENIG"),
)  # fmt: skip
FREQUENCIES = (
    ("häufig", "OFT"), ("oft", "OFT"), ("lange", "LANG"), ("zeitweise", "ZEIT"),
    ("meist", "MEISTENS"), ("kaum", "WENIG"), ("ab und zu", "MANCHMAL"), ("viel", "VIEL"),
    ("immer wieder", "IMMER WIEDER"), ("nur selten", "SELTEN"), ("ungestört", "UNGESTOERT"),
)  # fmt: skip
TEMPERATURES = (
    ("kalt", "KALT"), ("kühl", "KUEHL"), ("mild", "MILD"), ("warm", "WARM"), ("heiß", "HEISS"),
    ("schwül", "SCHWUEL"), ("frostig", "FROST"), ("wärmer", "WARM"), ("kälter", "KALT"),
    ("kühler", "KUEHL"), ("milder", "MILD"), ("sehr warm", "WARM"), ("spürbar kühler", "KUEHL"),
)  # fmt: skip
WIND_STRENGTHS = (
    ("schwacher", "SCHWACH"), ("mäßiger", "MAESSIG"), ("frischer", "FRISCH"),
    ("starker", "STARK"), ("stürmischer", "STURM"), ("böiger", "BOEE"), ("lebhafter", "FRISCH"),
    ("kräftiger", "KRAEFTIG"), ("auffrischender", "FRISCH"),
)  # fmt: skip
WIND_ADVERBS = (
    ("schwach", "SCHWACH"), ("mäßig", "MAESSIG"), ("frisch", "FRISCH"), ("stark", "STARK"),
    ("stürmisch", "STURM"), ("böig", "BOEE"), ("schwach bis mäßig", "SCHWACH MAESSIG"),
    ("mäßig bis frisch", "MAESSIG FRISCH"), ("frisch bis stark", "FRISCH STARK"),
)  # fmt: skip
AIRS = (("kalte", "KALT"), ("warme", "WARM"), ("feuchte", "FEUCHT"), ("milde", "MILD"),
        ("kühle", "KUEHL"), ("trockene", "TROCKEN"), ("polare", "POLAR"),
        ("heiße", "HEISS"), ("schwüle", "SCHWUEL"), ("frische", "FRISCH"))  # fmt: skip
CALM = (("sonnenschein", "SONNE"), ("ruhiges wetter", "RUHIG WETTER"),
        ("freundliches wetter", "FREUNDLICH WETTER"), ("trockenes wetter", "TROCKEN WETTER"),
        ("viel sonne", "VIEL SONNE"), ("blauen himmel", "BLAU HIMMEL"),
        ("einen sonnigen tag", "SONNE TAG"))  # fmt: skip
CONNECTIVES = ("und", "sonst=SONST", "dabei", "aber=ABER", "später=SPAETER/t", "und auch=AUCH",
               "während", "danach=DANACH/t")  # fmt: skip

OPENERS = (
    "und nun die wettervorhersage=WETTER für morgen=MORGEN/t {weekday} den {date}",
    "und nun die wettervorhersage=WETTER für {weekday} den {date}",
    "liebe=LIEB zuschauer=ZUSCHAUER guten=GUT abend=ABEND",
    "guten=GUT abend=ABEND liebe=LIEB zuschauer=ZUSCHAUER",
    "ihnen einen schönen=SCHOEN guten=GUT abend=ABEND",
    "das wetter=WETTER für {weekday} den {date}",
)
CLOSERS = (
    "ihnen noch einen schönen=SCHOEN abend=ABEND",
    "ich wünsche=WUENSCHEN ihnen einen schönen=SCHOEN abend=ABEND",
    "machen=MACHEN sie es gut=GUT",
)
CLAUSES: tuple[tuple[float, str], ...] = (
    (3, "{front} regnet=REGEN/v es {back} {intensity}"),
    (3, "{front} scheint=SCHEINEN/v {back} {frequency} die sonne=SONNE"),
    (4, "{front} gibt es {back} {amount} {precipitation}"),
    (4, "{front} ist es {back} {moderator} {sky}"),
    (2, "{front} bleibt=BLEIBEN/v es {back} {sky}"),
    (2, "{front} ziehen=ZIEHEN/v {back} {amount} wolken=WOLKE auf"),
    (2, "{front} weht=WEHEN/v ein {wind_strength} wind=WIND aus {wind_direction}"),
    (2, "der wind=WIND weht=WEHEN/v {back} {wind_adverb} aus {wind_direction}"),
    (2, "die temperaturen=TEMPERATUR erreichen=ERREICHEN/v {back} {range} grad=GRAD"),
    (2, "die höchstwerte=HOECHST liegen=LIEGEN/v {back} zwischen {range_und} grad=GRAD"),
    (1, "in der nacht=NACHT/t kühlt=ABKUEHLEN/v es {back} auf {range} grad=GRAD ab"),
    (1, "die tiefstwerte=TIEFST liegen=LIEGEN/v {back} bei {range} grad=GRAD"),
    (2, "{front} sind {back} auch {precipitation} möglich=MOEGLICH"),
    (1, "{front} bilden=BILDEN/v sich {back} {amount} nebelfelder=NEBEL"),
    (1, "{front} wird es {back} {temperature}"),
    (1, "{front} kann es {back} glatt=GLATT werden"),
    (1, "ein tief=TIEF bringt=BRINGEN/v {back} {amount} {precipitation}"),
    (1, "ein hoch=HOCH sorgt=SORGEN/v {back} für {calm}"),
    (1, "{air} luft=LUFT strömt=STROEMEN/v {back} nach deutschland=DEUTSCHLAND"),
    (1, "{front} besteht=BESTEHEN/v {back} unwettergefahr=UNWETTER"),
    (1, "{front} fällt=FALLEN/v {back} {snow}"),
    (1, "{front} lockern=AUFLOCKERN/v die wolken=WOLKE {back} auf"),
)
CLAUSES_PER_SENTENCE = (0.3, 0.45, 0.25)
"""Chance of one, two and three clauses in a sentence."""
WEIGHT_EXPONENT = 0.5
"""A filler's chance grows as its `wordfreq` frequency to this power: frequent words are drawn
more often, but less overwhelmingly than in general German (a forecast is about weather)."""
OPENER_SHARE = 0.8
CLOSER_SHARE = 0.3


# --------------------------------------------------------------------------- signing

PARAPHRASES: dict[str, str] = {
    "SCHEINEN": "SONNE", "FREUNDLICH": "SONNE", "HEITER": "SONNE",
    "TEMPERATUR": "GRAD", "HOECHST": "GRAD", "TIEFST": "GRAD",
    "WETTER": "WIE-AUSSEHEN", "ZIEHEN": "KOMMEN", "STROEMEN": "KOMMEN",
    "BRINGEN": "KOMMEN", "MOEGLICH": "KOENNEN", "WEHEN": "WIND",
    "MAESSIG": "MITTEL", "KRAEFTIG": "STARK", "HEFTIG": "STARK", "ERGIEBIG": "VIEL",
    "TROCKEN": "KEIN REGEN", "UNWETTER": "GEFAHR", "GLATT": "VORSICHT",
    "ERREICHEN": "BIS", "ABKUEHLEN": "KALT", "KUEHL": "KALT", "MEISTENS": "VIEL",
    "OFT": "VIEL", "BLEIBEN": "IMMER", "AUFLOCKERN": "WOLKE WENIGER",
    "WECHSELHAFT": "MAL SONNE MAL REGEN", "NASS": "REGEN", "TRUEB": "WOLKE",
    "LIEGEN": "ZWISCHEN", "EINZELN": "MANCHMAL", "OERTLICH": "REGION",
    "FALLEN": "KOMMEN", "BILDEN": "ENTSTEHEN", "SCHWUEL": "WARM FEUCHT",
}  # fmt: skip
"""Signs a signer may use for a concept instead of its own (DGS-like choices made here)."""
ADDED = (
    "IX", "AUCH", "BISSCHEN", "MEHR", "HIER", "JETZT", "DANN", "NOCH", "SCHON", "WIEDER",
    "KOMMEN", "REGION", "TEIL", "WIE-AUSSEHEN", "ZEIGEN-BILDSCHIRM", "SO", "GLEICH",
)  # fmt: skip
"""Signs a signer adds that the sentence does not say (pointing, hedges, discourse signs)."""


@dataclass(frozen=True)
class SigningParams:
    """How a signer turns a sentence's words into signs (the knobs of the module docstring)."""

    unsigned_share: float = 0.3
    paraphrase_share: float = 0.3
    repeat_share: float = 0.1
    added_share: float = 0.2
    added_context_share: float = 0.5
    time_first: float = 0.8
    place_first: float = 0.6
    verb_last: float = 0.5


def sign_sentence(
    words: Sequence[Word],
    lexicon: frozenset[str] | set[str],
    params: SigningParams,
    rng: np.random.Generator,
    context: Sequence[str] = (),
) -> list[GlossUnit]:
    """The signs of one sentence, in DGS order; signs missing from `lexicon` are left out.

    `context` holds the signs of the previous sentence of the same forecast. Four draws are
    made for every content word, whatever the outcome, so that one knob changes only the
    choices it governs.
    """
    units: list[tuple[GlossUnit, str]] = []
    for word in words:
        if word.gloss is None:
            continue
        skip, swap, repeat, add = rng.random(4)
        if skip < params.unsigned_share:
            continue
        paraphrase = PARAPHRASES.get(word.gloss)
        gloss = paraphrase if paraphrase and swap < params.paraphrase_share else word.gloss
        signs = [GlossUnit(g, word.text, "sign") for g in gloss.split() if g in lexicon]
        units.extend((unit, word.role) for unit in signs)
        if signs and repeat < params.repeat_share:
            units.append((signs[-1], word.role))
        if signs and add < params.added_share:
            units.append((_added(lexicon, params, rng, context), "other"))
    return _dgs_order(units, params, rng)


def _added(
    lexicon: frozenset[str] | set[str],
    params: SigningParams,
    rng: np.random.Generator,
    context: Sequence[str],
) -> GlossUnit:
    from_context, pick = rng.random(2)
    if context and from_context < params.added_context_share:
        gloss = context[int(pick * len(context))]
    else:
        choices = [g for g in ADDED if g in lexicon] or sorted(lexicon)
        gloss = choices[int(pick * len(choices))]
    return GlossUnit(gloss, gloss, "sign")


def _dgs_order(
    units: list[tuple[GlossUnit, str]], params: SigningParams, rng: np.random.Generator
) -> list[GlossUnit]:
    """Time signs first, then place signs, the verb last (each with its chance)."""
    time_first, place_first, verb_last = rng.random(3)
    order = list(units)
    if verb_last < params.verb_last:
        order = [u for u in order if u[1] != "verb"] + [u for u in order if u[1] == "verb"]
    if place_first < params.place_first:
        order = [u for u in order if u[1] == "place"] + [u for u in order if u[1] != "place"]
    if time_first < params.time_first:
        order = [u for u in order if u[1] == "time"] + [u for u in order if u[1] != "time"]
    return [unit for unit, _ in order]


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    """A forecast sentence: its text (as PHOENIX writes translations) and its words."""

    text: str
    words: tuple[Word, ...]


class _Slots:
    """Slot fillers of the grammar, each drawn as often as German uses its words."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.fronted = ""  # what the current clause's front slot gave: place, time or nothing

    def pick(self, options: Sequence[tuple[str, str | None]], role: str = "other") -> list[Word]:
        kept, weights = _weighted(tuple(options))
        text, gloss = kept[int(self.rng.choice(len(kept), p=weights))]
        if gloss is None:
            return [Word(w) for w in text.split()]
        words = text.split()
        return [Word(w) for w in words[:-1]] + [Word(words[-1], gloss, role)]

    def place(self) -> list[Word]:
        kind = self.rng.choice(6, p=(0.45, 0.25, 0.1, 0.05, 0.05, 0.1))
        if kind == 0:
            first = self.pick(DIRECTIONS, "place")
            if self.rng.random() < 0.2:
                return [
                    Word("im"),
                    *first,
                    Word("und"),
                    Word("im"),
                    *self.pick(DIRECTIONS, "place"),
                ]
            return [Word("im"), *first]
        table = {
            1: ("in", [(p, gloss_of(p)) for p in PLACES_IN]),
            2: ("im", [(p, gloss_of(p)) for p in PLACES_IM]),
            3: ("in der", [(p, gloss_of(p)) for p in PLACES_IN_DER]),
            4: ("an der", [(p, gloss_of(p)) for p in PLACES_AN_DER]),
            5: ("in den", list(PLACES_IN_DEN)),
        }[int(kind)]  # fmt: skip
        return [Word(w) for w in str(table[0]).split()] + self.pick(table[1], "place")

    def time(self) -> list[Word]:
        if self.rng.random() < 0.25:
            prefix = str(self.rng.choice(["am", "bis zum", "ab"]))
            day = self.pick([(d, gloss_of(d)) for d in WEEKDAYS], "time")
            return [Word(w) for w in prefix.split()] + day
        spec = TIMES[int(self.rng.integers(len(TIMES)))]
        return list(phrase(spec, "time"))

    def number(self, low: int, high: int) -> list[Word]:
        n = int(self.rng.integers(low, high + 1))
        word = Word(cardinal(abs(n)), gloss_of(cardinal(abs(n))))
        return [Word("minus", "MINUS"), word] if n < 0 else [word]

    def temperature_range(self, joiner: str) -> list[Word]:
        low = int(self.rng.integers(-15, 31))
        high = min(low + int(self.rng.integers(2, 9)), 38)
        first = self.number(low, low)
        second = self.number(high, high)
        return first + [Word(joiner, "BIS" if joiner == "bis" else None)] + second

    def date(self) -> list[Word]:
        day = int(self.rng.integers(1, 32))
        month = MONTHS[int(self.rng.integers(len(MONTHS)))]
        return [
            Word(ordinal(day), gloss_of(cardinal(day)), "time"),
            Word(month, gloss_of(month), "time"),
        ]

    def fill(self, slot: str) -> list[Word]:
        """The words of one slot of a template."""
        fillers: dict[str, Callable[[], list[Word]]] = {
            "front": self.front,
            "back": self.back,
            "weekday": lambda: self.pick([(d, gloss_of(d)) for d in WEEKDAYS], "time"),
            "date": self.date,
            "intensity": lambda: self.pick(INTENSITIES),
            "frequency": lambda: self.pick(FREQUENCIES),
            "amount": lambda: self.pick(AMOUNTS),
            "precipitation": lambda: self.pick(precipitation_nouns()),
            "moderator": lambda: self.pick(MODERATORS) if self.rng.random() < 0.6 else [],
            "sky": lambda: self.pick(SKY),
            "wind_strength": lambda: self.pick(WIND_STRENGTHS),
            "wind_adverb": lambda: self.pick(WIND_ADVERBS),
            "wind_direction": lambda: self.pick([(d, gloss_of(d)) for d in WIND_DIRECTIONS]),
            "range": lambda: self.temperature_range("bis"),
            "range_und": lambda: self.temperature_range("und"),
            "temperature": lambda: self.pick(TEMPERATURES),
            "calm": lambda: self.pick(CALM),
            "air": lambda: self.pick(AIRS),
            "snow": lambda: self.pick(SNOW),
        }
        return fillers[slot]()

    def front(self) -> list[Word]:
        """The clause's first position: a place or a time."""
        self.fronted = "place" if self.rng.random() < 0.55 else "time"
        return self.place() if self.fronted == "place" else self.time()

    def back(self) -> list[Word]:
        """Sometimes, after the verb, the time or place the front did not give."""
        if self.rng.random() < 0.45:
            return []
        return self.time() if self.fronted == "place" else self.place()


def realise(template: str, slots: _Slots) -> list[Word]:
    """A template's words: `{slot}` filled, every other token as in `phrase`."""
    words: list[Word] = []
    for token in template.split():
        if token.startswith("{"):
            words.extend(slots.fill(token.strip("{}")))
        else:
            words.extend(phrase(token))
    return words


def weather_sentence(rng: np.random.Generator, position: str = "body") -> Sentence:
    """One forecast sentence; `position` is 'opening', 'body' or 'closing'."""
    slots = _Slots(rng)
    if position in ("opening", "closing"):
        templates = OPENERS if position == "opening" else CLOSERS
        words = realise(templates[int(rng.integers(len(templates)))], slots)
    else:
        weights = np.array([w for w, _ in CLAUSES])
        n_clauses = 1 + int(rng.choice(len(CLAUSES_PER_SENTENCE), p=CLAUSES_PER_SENTENCE))
        words = []
        for k in range(n_clauses):
            if k:
                words.extend(phrase(CONNECTIVES[int(rng.integers(len(CONNECTIVES)))]))
            template = CLAUSES[int(rng.choice(len(CLAUSES), p=weights / weights.sum()))][1]
            slots.fronted = ""
            words.extend(realise(template, slots))
    return Sentence(" ".join(w.text for w in words) + " .", tuple(words))


def forecast(rng: np.random.Generator, n_sentences: int) -> list[Sentence]:
    """The sentences of one forecast: an opening (usually), the body, sometimes a closing."""
    positions = ["body"] * n_sentences
    if n_sentences > 1 and rng.random() < OPENER_SHARE:
        positions[0] = "opening"
    if n_sentences > 2 and rng.random() < CLOSER_SHARE:
        positions[-1] = "closing"
    return [weather_sentence(rng, position) for position in positions]


@lru_cache(maxsize=1)
def precipitation_nouns() -> tuple[tuple[str, str], ...]:
    """Plural weather nouns: the plain ones and every modifier + head compound `wordfreq`
    knows (`regenschauer`, `schneefälle`, `gewitterwolken`, ...), glossed by the modifier."""
    compounds = [
        (modifier + head, gloss)
        for modifier, gloss in MODIFIERS
        for head in HEADS
        if modifier != head and known(modifier + head)
    ]
    return tuple(dict.fromkeys([*PLAIN_NOUNS, *compounds]).keys())


@lru_cache(maxsize=256)
def _weighted(
    options: tuple[tuple[str, str | None], ...],
) -> tuple[list[tuple[str, str | None]], np.ndarray]:
    """The options whose words `wordfreq` knows, and their chances (its frequencies)."""
    kept = [(text, gloss) for text, gloss in options if all(known(w) for w in text.split())]
    if not kept:
        raise ValueError(f"wordfreq knows none of {[t for t, _ in options]}")
    weights = np.array([min(frequency(w) for w in text.split()) for text, _ in kept])
    weights = weights**WEIGHT_EXPONENT
    return kept, weights / weights.sum()


def all_glosses(sentences: Sequence[Sentence]) -> set[str]:
    """Every gloss a signer could produce for `sentences`: their words', the paraphrases' and
    the added signs'."""
    glosses = {g for s in sentences for w in s.words if w.gloss for g in w.gloss.split()}
    glosses.update(g for p in PARAPHRASES.values() for g in p.split())
    return glosses | set(ADDED)
