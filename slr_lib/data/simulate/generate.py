"""Generate the simulated signing corpus (How2Sign-like) and its related pre-training language.

Everything is drawn from `numpy` generators seeded by `CorpusParams.seed`; each video has its
own stream, so the same parameters give the same bytes.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from slr_lib.data.corpus import (
    EXEMPLAR_COLUMNS,
    SENTENCE_COLUMNS,
    SIGN_COLUMNS,
    VIDEO_COLUMNS,
    Corpus,
    PoseArray,
)
from slr_lib.data.sentences import find_brown_dir, group_into_videos, read_brown, select_sentences
from slr_lib.data.simulate.body import NoiseParams, compose
from slr_lib.data.simulate.grammar import (
    GlossUnit,
    GrammarParams,
    candidate_words,
    sentence_to_units,
)
from slr_lib.data.simulate.handshapes import load_handshapes
from slr_lib.data.simulate.lexicon import Sign, build_lexicon, related_lexicon, variant
from slr_lib.data.simulate.motion import (
    REST_SHAPE,
    Style,
    Timeline,
    fingerspelling_segment,
    rest_frame,
    sign_segment,
    smooth,
)
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.signers import Signer, make_signers
from slr_lib.logging_setup import get_logger
from slr_lib.text import VISEME_SHAPES, visemes

log = get_logger(__name__)
DICTIONARIES = ("wlasl", "msasl")


@dataclass
class _Rendered:
    data: np.ndarray
    confidence: np.ndarray
    sentence_frames: list[tuple[int, int]]
    signs: list[dict[str, Any]]


class _Language:
    """A lexicon with the handshapes its signs and fingerspelling use."""

    def __init__(self, code: str, lexicon: dict[str, Sign], shapes: dict[str, np.ndarray]):
        self.code = code
        self.lexicon = lexicon
        self.shapes = shapes
        self.glosses = set(lexicon)


def generate(params: CorpusParams, out_dir: Path) -> tuple[Corpus, Corpus]:
    """Build and save the main corpus (`out_dir/main`) and the pre-training one (`/pretrain`)."""
    root = np.random.SeedSequence(params.seed)
    lexicon_seq, main_seq, dict_seq, pre_seq = root.spawn(4)
    brown = read_brown(find_brown_dir())
    n_total = params.n_train + params.n_val + params.n_test
    chosen = select_sentences(brown, n_total, params.seed, params.min_words, params.max_words)
    main_language = _main_language(params, chosen, np.random.default_rng(lexicon_seq))
    main = _build_corpus(
        "simulated-how2sign", main_language, chosen, params, main_seq,
        split_sizes={"test": params.n_test, "val": params.n_val, "train": params.n_train},
        prefix="h",
    )  # fmt: skip
    main.exemplars, main.exemplar_poses, dictionary_signers = _dictionaries(
        main_language, params, dict_seq
    )
    main.info["lexicon"] = _lexicon_table(main_language, main.exemplars).to_dict("list")
    main.info["dictionary_signers"] = _signer_table(dictionary_signers)
    main.save(out_dir / "main")

    pre_rng = np.random.default_rng(pre_seq.spawn(1)[0])
    pre_text = select_sentences(
        brown, params.pretrain_sentences, params.seed + 1, params.min_words, params.max_words,
        genre_order="pnklmrgjcbadhfe",
    )  # fmt: skip
    pre_language = _pretrain_language(params, pre_text, main_language, pre_rng)
    n_val = max(1, params.pretrain_sentences // 10)
    pretrain = _build_corpus(
        "simulated-pretrain", pre_language, pre_text, params, pre_seq,
        split_sizes={"val": n_val, "train": params.pretrain_sentences - n_val}, prefix="p",
    )  # fmt: skip
    pretrain.save(out_dir / "pretrain")
    return main, pretrain


def _main_language(
    params: CorpusParams, chosen: pd.DataFrame, rng: np.random.Generator
) -> _Language:
    shapes = _namespaced(params.sign_language)
    glosses = _frequent_lemmas(chosen["text"], params.lexicon_size)
    lexicon = build_lexicon(
        glosses, rng, _letters(shapes, params.sign_language), params.mouthing_share
    )
    return _Language(params.sign_language, lexicon, shapes)


def _pretrain_language(
    params: CorpusParams, text: pd.DataFrame, main: _Language, rng: np.random.Generator
) -> _Language:
    own = _namespaced(params.pretrain_sign_language)
    shapes = {**main.shapes, **own}  # inherited signs keep their handshapes
    glosses = _frequent_lemmas(text["text"], params.pretrain_lexicon_size)
    lexicon = related_lexicon(
        main.lexicon, glosses, rng, _letters(own, params.pretrain_sign_language),
        params.pretrain_shared_share, params.mouthing_share,
    )  # fmt: skip
    return _Language(params.pretrain_sign_language, lexicon, shapes)


def _build_corpus(
    name: str,
    language: _Language,
    chosen: pd.DataFrame,
    params: CorpusParams,
    seq: np.random.SeedSequence,
    split_sizes: dict[str, int],
    prefix: str,
) -> Corpus:
    grouped = group_into_videos(chosen, params.sentences_per_video, params.seed)
    signer_rng, split_rng, *video_seqs = seq.spawn(2 + int(grouped["video_index"].max()) + 1)
    signers = make_signers(
        params.n_signers, np.random.default_rng(signer_rng), f"{prefix}s",
        params.left_handed_share, params.signer_variability,
    )  # fmt: skip
    split_of = _assign_splits(grouped, split_sizes, np.random.default_rng(split_rng))
    videos, sentences, signs = [], [], []
    arrays: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {s: [] for s in split_sizes}
    dropped = 0
    grammar = _grammar(params)
    for index, rows in tqdm(grouped.groupby("video_index", sort=True), desc=f"rendering {name}"):
        rng = np.random.default_rng(video_seqs[int(index)])
        signer = signers[int(rng.integers(len(signers)))]
        units = [sentence_to_units(t, language.glosses, grammar, rng) for t in rows["text"]]
        kept = [(text, u) for text, u in zip(rows["text"], units, strict=True) if u]
        dropped += len(units) - len(kept)
        if not kept:
            continue
        split = split_of[int(index)]
        video_id = f"{prefix}v{int(index):05d}"
        rendered = _render_video([u for _, u in kept], signer, language, params, rng)
        n_frames = len(rendered.data)
        videos.append(
            (
                video_id,
                split,
                signer.signer_id,
                rows["topic"].iloc[0],
                params.fps,
                n_frames,
                len(arrays[split]),
            )
        )
        arrays[split].append(_compact(rendered.data, rendered.confidence))
        timings = _speech_timings(rendered.sentence_frames, n_frames, params, rng)
        for k, ((text, _), (start, end), speech) in enumerate(
            zip(kept, rendered.sentence_frames, timings, strict=True)
        ):
            sentence_id = f"{video_id}_s{k:02d}"
            sentences.append(
                (sentence_id, video_id, split, text, start / params.fps, end / params.fps, *speech)
            )
            signs.extend(
                {**s, "video_id": video_id, "sentence_id": sentence_id}
                for s in rendered.signs
                if s["sentence"] == k
            )
    log.info(
        "%s: %d videos, %d sentences (%d without any signable word dropped)",
        name,
        len(videos),
        len(sentences),
        dropped,
    )
    return Corpus(
        name=name,
        language=language.code,
        fps=params.fps,
        videos=pd.DataFrame(videos, columns=list(VIDEO_COLUMNS)),
        sentences=pd.DataFrame(sentences, columns=list(SENTENCE_COLUMNS)),
        poses={split: PoseArray.stack(items) for split, items in arrays.items()},
        signs=pd.DataFrame(signs, columns=list(SIGN_COLUMNS)),
        info={
            "params": asdict(params),
            "dropped_unsignable_sentences": dropped,
            "signers": _signer_table(signers),
        },
    )


def _render_video(
    sentence_units: list[list[GlossUnit]],
    signer: Signer,
    language: _Language,
    params: CorpusParams,
    rng: np.random.Generator,
) -> _Rendered:
    """Sign the sentences one after the other: transitions, holds, pauses, mouthing."""
    shapes, style = language.shapes, Style(amplitude=signer.amplitude, speed=signer.speed)
    rest = rest_frame(shapes)
    timeline = Timeline()
    timeline.add_still(rest, 12)
    spans, signs, mouth_events = [], [], []
    for k, units in enumerate(sentence_units):
        first = None
        for unit in units:
            segment = _unit_segment(unit, language, params, style, rng)
            timeline.move_to(
                {key: v[0] for key, v in segment.items()}, _frames(params.transition_frames, signer)
            )
            start = timeline.n_frames
            first = start if first is None else first
            timeline.add(segment)
            mouthed = _mouthing(
                unit, language, params, signer, rng, start, timeline.n_frames, mouth_events
            )
            gloss = unit.gloss if unit.kind == "sign" else unit.word
            signs.append(
                {"sentence": k, "gloss": gloss, "start_frame": start,
                 "end_frame": timeline.n_frames, "mouthed": mouthed, "kind": unit.kind}
            )  # fmt: skip
            if rng.random() < signer.hold_tendency:
                timeline.hold(params.hold_frames)
        spans.append((first, timeline.n_frames))
        if rng.random() < params.pause_share:
            timeline.move_to(rest, _frames(params.transition_frames, signer))
            timeline.hold(int(rng.integers(6, 24)))
    timeline.move_to(rest, _frames(params.transition_frames, signer))
    timeline.hold(12)
    tracks = timeline.tracks()
    sigma = params.coarticulation * signer.coarticulation
    tracks = {key: smooth(value, sigma) for key, value in tracks.items()}
    mouth = smooth(_mouth_track(timeline.n_frames, mouth_events), 1.0)
    noise = NoiseParams(
        params.jitter, params.hand_jitter, params.drop_rate, rest_drop=params.rest_drop
    )
    data, confidence = compose(tracks, mouth, signer, noise, rng, params.fps)
    return _Rendered(data, confidence, spans, signs)


def _unit_segment(
    unit: GlossUnit,
    language: _Language,
    params: CorpusParams,
    style: Style,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    if unit.kind == "sign":
        return sign_segment(language.lexicon[unit.gloss], language.shapes, style, rng)
    letters = [
        f"{language.code}/{ch}" for ch in unit.gloss if f"{language.code}/{ch}" in language.shapes
    ]
    letters = letters or [f"{language.code}/A"]
    return fingerspelling_segment(letters, language.shapes, params.letter_frames, style)


def _mouthing(
    unit: GlossUnit,
    language: _Language,
    params: CorpusParams,
    signer: Signer,
    rng: np.random.Generator,
    start: int,
    end: int,
    events: list[tuple[int, int, list[str], float]],
) -> bool:
    """Decide the mouth channel of one unit: the word's visemes, unrelated motion, or rest."""
    usually = unit.kind == "fingerspelling" or language.lexicon[unit.gloss].mouthed
    chance = min(1.0, params.mouthing_consistency * signer.mouthing)
    word_visemes = visemes(unit.word)
    if usually and word_visemes and rng.random() < chance:
        events.append((start, end, word_visemes, 1.0))
        return True
    if rng.random() < params.mouth_gesture_share:
        gesture = [
            str(v)
            for v in rng.choice(
                [v for v in VISEME_SHAPES if v != "rest"], size=int(rng.integers(1, 4))
            )
        ]
        events.append((start, end, gesture, 0.5))
    return False


def _mouth_track(n_frames: int, events: list[tuple[int, int, list[str], float]]) -> np.ndarray:
    track = np.tile(np.asarray(VISEME_SHAPES["rest"], dtype=np.float64), (n_frames, 1))
    for start, end, sequence, strength in events:
        length = max(1, end - start)
        which = np.minimum((np.arange(length) * len(sequence)) // length, len(sequence) - 1)
        shapes = np.array([VISEME_SHAPES[v] for v in sequence])[which]
        track[start:end] = (1 - strength) * track[start:end] + strength * shapes[
            : len(track[start:end])
        ]
    return track


def _speech_timings(
    frames: list[tuple[int, int]], n_frames: int, params: CorpusParams, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Speech-aligned subtitle times: speech leads signing (Fig. A.3 of the supplement)."""
    duration = n_frames / params.fps
    out = []
    for start, end in frames:
        s, e = start / params.fps, end / params.fps
        lead = (
            0.0
            if rng.random() < params.speech_zero_share
            else abs(rng.normal(params.speech_lead_mean_s, params.speech_lead_sd_s))
        )
        length = max(0.5, (e - s) + rng.normal(0, params.speech_duration_sd_s))
        begin = float(np.clip(s - lead, 0, duration - 0.5))
        out.append((begin, float(min(duration, begin + length))))
    return out


def _dictionaries(
    language: _Language, params: CorpusParams, seq: np.random.SeedSequence
) -> tuple[pd.DataFrame, PoseArray, list[Signer]]:
    """Isolated exemplars of two dictionaries, by other signers, in a different domain.

    The domain gap (0 = none, 1 = large) makes exemplars slower, larger, framed closer and
    centred, and makes them more often a variant form of the corpus sign.
    """
    rng = np.random.default_rng(seq)
    gap = params.domain_gap
    signers = make_signers(
        params.n_dictionary_signers, rng, "ds", params.left_handed_share, 0.5, 1 + 0.3 * gap
    )
    letters = _letters(language.shapes, language.code)
    rows, items = [], []
    for dictionary, coverage, mean_count in (
        ("wlasl", params.wlasl_coverage, params.wlasl_exemplars),
        ("msasl", params.msasl_coverage, params.msasl_exemplars),
    ):
        for gloss in [g for g in sorted(language.lexicon) if rng.random() < coverage]:
            for _ in range(1 + int(rng.poisson(max(0.0, mean_count - 1)))):
                signer = signers[int(rng.integers(len(signers)))]
                sign = variant(language.lexicon[gloss], rng, 0.35 * gap, letters)
                data, conf = _render_exemplar(sign, signer, language, params, rng)
                exemplar_id = f"{dictionary}{len(rows):05d}"
                rows.append(
                    (
                        exemplar_id,
                        dictionary,
                        gloss,
                        signer.signer_id,
                        params.fps,
                        len(data),
                        len(items),
                    )
                )
                items.append(_compact(data, conf))
    exemplars = pd.DataFrame(rows, columns=list(EXEMPLAR_COLUMNS))
    return exemplars, PoseArray.stack(items), signers


def _compact(data: np.ndarray, confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stored precision (float16), taken early to keep memory low while a corpus is built."""
    return data.astype(np.float16), confidence.astype(np.float16)


def _signer_table(signers: list[Signer]) -> dict[str, list]:
    """Signers' properties as columns, for the corpus manifest (the appearance view needs them)."""
    return pd.DataFrame([asdict(s) for s in signers]).to_dict("list")


def _render_exemplar(
    sign: Sign, signer: Signer, language: _Language, params: CorpusParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One isolated sign in the dictionary domain: hands rise from rest, sign, and fall back."""
    gap = params.domain_gap
    style = Style(amplitude=1 + 0.4 * gap, speed=1 / (1 + 0.5 * gap))
    rest = rest_frame(language.shapes)
    timeline = Timeline()
    timeline.add_still(rest, int(rng.integers(6, 13)))
    segment = sign_segment(sign, language.shapes, style, rng)
    timeline.move_to({k: v[0] for k, v in segment.items()}, params.transition_frames + 3)
    timeline.add(segment)
    timeline.hold(params.hold_frames)
    timeline.move_to(rest, params.transition_frames + 3)
    timeline.hold(int(rng.integers(6, 13)))
    tracks = {k: smooth(v, params.coarticulation) for k, v in timeline.tracks().items()}
    mouth = np.tile(np.asarray(VISEME_SHAPES["rest"], dtype=np.float64), (timeline.n_frames, 1))
    noise = NoiseParams(
        params.jitter * 0.5, params.hand_jitter * 0.5, params.drop_rate * 0.5,
        rest_drop=params.rest_drop,
    )  # fmt: skip
    return compose(tracks, mouth, signer, noise, rng, params.fps)


def _lexicon_table(language: _Language, exemplars: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame([asdict(s) for s in language.lexicon.values()])
    for dictionary in DICTIONARIES:
        table[f"in_{dictionary}"] = table["gloss"].isin(
            exemplars.loc[exemplars["dictionary"] == dictionary, "gloss"]
        )
    return table


def _assign_splits(
    grouped: pd.DataFrame, sizes: dict[str, int], rng: np.random.Generator
) -> dict[int, str]:
    """Whole videos to splits, filled in the order given; the last split takes the rest."""
    counts = grouped.groupby("video_index").size()
    order = rng.permutation(counts.index.to_numpy())
    names = list(sizes)
    assignment, filled, current = {}, 0, 0
    for index in order:
        while current < len(names) - 1 and filled >= sizes[names[current]]:
            current, filled = current + 1, 0
        assignment[int(index)] = names[current]
        filled += int(counts[index])
    return assignment


def _frequent_lemmas(texts: pd.Series, n: int) -> list[str]:
    lemmas = [lemma for text in texts for _, lemma in candidate_words(text)]
    counts = pd.Series(lemmas).value_counts()
    ranked = counts[[g.isalpha() for g in counts.index]]
    return sorted(ranked.index[:n].tolist(), key=lambda g: (-counts[g], g))


def _namespaced(code: str) -> dict[str, np.ndarray]:
    """The language's letter handshapes as `code/LETTER`, plus its flat hand ('B') at rest."""
    shapes = {f"{code}/{letter}": shape for letter, shape in load_handshapes(code).items()}
    shapes[REST_SHAPE] = shapes.get(f"{code}/B", next(iter(shapes.values())))
    return shapes


def _letters(shapes: dict[str, np.ndarray], code: str) -> list[str]:
    return sorted(k for k in shapes if k.startswith(f"{code}/"))


def _grammar(params: CorpusParams) -> GrammarParams:
    return GrammarParams(
        time_first=params.time_first, topic_first=params.topic_first, wh_last=params.wh_last,
        negation_last=params.negation_last, fingerspell_share=params.fingerspell_share,
    )  # fmt: skip


def _frames(n: int, signer: Signer) -> int:
    return max(1, int(round(n / signer.speed)))


def main(argv: list[str] | None = None) -> int:
    """Generate the simulated corpus from params.yaml's `corpus` section."""
    from slr_lib.pipeline.stage_cli import stage_main

    return stage_main(
        CorpusParams, lambda params, args: generate(params, args.out), prog="slr-corpus",
        description=main.__doc__, out="data/simulated", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
