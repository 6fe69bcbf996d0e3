"""Generate the simulated signing corpus (How2Sign-like) and the pre-training corpus of another
sign language.

Everything is drawn from `numpy` generators seeded by `CorpusParams.seed`; each video has its
own stream, so the same parameters give the same bytes. Videos go to splits before anything
else, so that each language's lexicon is chosen from the text of its training split only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
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
from slr_lib.data.simulate.body import VISEME_SHAPES, NoiseParams, compose, mouth_shapes
from slr_lib.data.simulate.dictionaries import (
    ExemplarDomain,
    dictionary_signers,
    reference_frames,
    render_exemplar,
    variant_strength,
)
from slr_lib.data.simulate.grammar import (
    GlossUnit,
    GrammarParams,
    Vocabulary,
    candidate_words,
    sentence_to_units,
)
from slr_lib.data.simulate.handshapes import load_handshapes
from slr_lib.data.simulate.lexicon import (
    Sign,
    build_lexicon,
    load_wordnet,
    other_language_lexicon,
    renderings,
    variant,
)
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
from slr_lib.data.simulate.weather import all_glosses, forecast, sign_sentence
from slr_lib.data.simulate.weather_params import WeatherCorpusParams
from slr_lib.logging_setup import get_logger
from slr_lib.text import visemes

log = get_logger(__name__)
DICTIONARIES = ("wlasl", "msasl")


@dataclass
class _Rendered:
    data: np.ndarray
    confidence: np.ndarray
    sentence_frames: list[tuple[int, int]]
    signs: list[dict[str, Any]]


class _Language:
    """A lexicon with the handshapes its signs and fingerspelling use, and the English words its
    signs render (`vocabulary`, set by `_with_vocabulary`)."""

    def __init__(self, code: str, lexicon: dict[str, Sign], shapes: dict[str, np.ndarray]):
        self.code = code
        self.lexicon = lexicon
        self.shapes = shapes
        self.vocabulary = Vocabulary.of(lexicon)


@dataclass
class _Plan:
    """Sentences grouped into videos, videos into splits, and the random streams to render them."""

    grouped: pd.DataFrame
    splits: tuple[str, ...]
    split_of: dict[int, str]
    signer_seq: np.random.SeedSequence
    video_seqs: list[np.random.SeedSequence]

    def train_text(self) -> pd.Series:
        """The text of the training split's sentences."""
        train = [i for i, split in self.split_of.items() if split == "train"]
        return self.grouped.loc[self.grouped["video_index"].isin(train), "text"]


def generate(params: CorpusParams, out_dir: Path) -> tuple[Corpus, Corpus]:
    """Build and save the main corpus (`out_dir/main`) and the pre-training one (`/pretrain`)."""
    root = np.random.SeedSequence(params.seed)
    lexicon_seq, main_seq, dict_seq, pre_seq = root.spawn(4)
    brown = read_brown(find_brown_dir())
    n_total = params.n_train + params.n_val + params.n_test
    chosen = select_sentences(brown, n_total, params.seed, params.min_words, params.max_words)
    main_plan = _plan(
        chosen, params, main_seq,
        split_sizes={"test": params.n_test, "val": params.n_val, "train": params.n_train},
    )  # fmt: skip
    main_language = _main_language(params, main_plan, np.random.default_rng(lexicon_seq))
    main = _build_corpus("simulated-how2sign", main_language, main_plan, params, prefix="h")
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
    n_val = max(1, params.pretrain_sentences // 10)
    pre_plan = _plan(
        pre_text, params, pre_seq,
        split_sizes={"val": n_val, "train": params.pretrain_sentences - n_val},
    )  # fmt: skip
    pre_language = _pretrain_language(params, pre_plan, main_language, pre_rng)
    pretrain = _build_corpus("simulated-pretrain", pre_language, pre_plan, params, prefix="p")
    pretrain.save(out_dir / "pretrain")
    return main, pretrain


def generate_weather(
    params: WeatherCorpusParams, render: CorpusParams, out_dir: Path | None = None
) -> Corpus:
    """The PHOENIX-like corpus: German weather forecasts (`weather`) signed by `params`'s
    signers, whose motion and noise follow `render` (the `corpus` section); saved to `out_dir`
    when given."""
    text_seq, lexicon_seq, corpus_seq = np.random.SeedSequence(params.seed).spawn(3)
    grouped = _forecasts(params, np.random.default_rng(text_seq))
    plan = _plan_videos(
        grouped, corpus_seq,
        split_sizes={"test": params.n_test, "val": params.n_val, "train": params.n_train},
    )  # fmt: skip
    shapes = _namespaced(params.sign_language)
    glosses = _weather_glosses(plan, params.lexicon_size)
    lexicon = build_lexicon(
        glosses, np.random.default_rng(lexicon_seq), _letters(shapes, params.sign_language),
        mouthing_share=0.0, sign_frames=render.sign_frames,
    )  # fmt: skip
    language = _Language(params.sign_language, lexicon, shapes)
    signing, known_glosses = params.signing(), frozenset(lexicon)

    def sign(row: Any, rng: np.random.Generator, context: list[str]) -> list[GlossUnit]:
        return sign_sentence(row.words, known_glosses, signing, rng, context)

    rendering = replace(render, fps=params.fps, n_signers=params.n_signers, seed=params.seed)
    corpus = _build_corpus("simulated-phoenix", language, plan, rendering, "w", sign)
    corpus.info["phoenix_params"] = asdict(params)
    corpus.info["lexicon"] = pd.DataFrame([asdict(s) for s in lexicon.values()]).to_dict("list")
    if out_dir is not None:
        corpus.save(out_dir)
    return corpus


def _forecasts(params: WeatherCorpusParams, rng: np.random.Generator) -> pd.DataFrame:
    """Enough forecasts for every split: a row per sentence (text, words, video_index)."""
    rows: list[dict[str, Any]] = []
    total = params.n_train + params.n_val + params.n_test
    while len(rows) < total:
        video = rows[-1]["video_index"] + 1 if rows else 0
        for sentence in forecast(rng, params.forecast_length(rng)):
            rows.append(
                {"video_index": video, "text": sentence.text, "words": sentence.words,
                 "topic": "weather"}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _weather_glosses(plan: _Plan, size: int) -> list[str]:
    """The signer's lexicon: the `size` glosses most used in the training split's sentences,
    and every paraphrase and added sign (`weather`)."""
    train = [i for i, split in plan.split_of.items() if split == "train"]
    words = plan.grouped.loc[plan.grouped["video_index"].isin(train), "words"]
    counts = pd.Series(
        [g for sentence in words for w in sentence if w.gloss for g in w.gloss.split()]
    ).value_counts()
    frequent = sorted(counts.index[:size].tolist(), key=lambda g: (-counts[g], g))
    extra = sorted(all_glosses([]) - set(frequent))
    return frequent + extra


def _plan(
    chosen: pd.DataFrame,
    params: CorpusParams,
    seq: np.random.SeedSequence,
    split_sizes: dict[str, int],
) -> _Plan:
    grouped = group_into_videos(chosen, params.sentences_per_video, params.seed)
    return _plan_videos(grouped, seq, split_sizes)


def _plan_videos(
    grouped: pd.DataFrame, seq: np.random.SeedSequence, split_sizes: dict[str, int]
) -> _Plan:
    """Videos (`grouped`'s `video_index`) to splits, and a random stream for each."""
    signer_seq, split_seq, *video_seqs = seq.spawn(2 + int(grouped["video_index"].max()) + 1)
    split_of = _assign_splits(grouped, split_sizes, np.random.default_rng(split_seq))
    return _Plan(grouped, tuple(split_sizes), split_of, signer_seq, video_seqs)


def _main_language(params: CorpusParams, plan: _Plan, rng: np.random.Generator) -> _Language:
    """The corpus's language: a sign for each of the training text's most frequent lemmas."""
    shapes = _namespaced(params.sign_language)
    glosses = _frequent_lemmas(plan.train_text(), params.lexicon_size)
    lexicon = build_lexicon(
        glosses, rng, _letters(shapes, params.sign_language), params.mouthing_share,
        sign_frames=params.sign_frames,
    )  # fmt: skip
    return _with_vocabulary(_Language(params.sign_language, lexicon, shapes), plan)


def _pretrain_language(
    params: CorpusParams, plan: _Plan, main: _Language, rng: np.random.Generator
) -> _Language:
    """Another sign language: its own lexicon from its own training text, drawn independently;
    only a share `pretrain_shared_share` of the glosses both have share the main sign's form."""
    own = _namespaced(params.pretrain_sign_language)
    shapes = {**main.shapes, **own}  # shared signs keep the main language's handshapes
    glosses = _frequent_lemmas(plan.train_text(), params.pretrain_lexicon_size)
    lexicon = other_language_lexicon(
        main.lexicon, glosses, rng, _letters(own, params.pretrain_sign_language),
        params.pretrain_shared_share, params.mouthing_share, sign_frames=params.sign_frames,
    )  # fmt: skip
    return _with_vocabulary(_Language(params.pretrain_sign_language, lexicon, shapes), plan)


def _with_vocabulary(language: _Language, plan: _Plan) -> _Language:
    """Set which English words the language's signs render (WordNet) and which signs a signer
    adds, as often as their gloss occurs in the training text."""
    lemmas = [lemma for text in plan.grouped["text"] for _, lemma in candidate_words(text)]
    found = renderings(load_wordnet(), language.lexicon, lemmas)
    counts = pd.Series(
        [lemma for text in plan.train_text() for _, lemma in candidate_words(text)]
    ).value_counts()
    added = sorted(language.lexicon)
    language.vocabulary = Vocabulary(
        frozenset(language.lexicon), found.synonyms, found.descriptions, found.expressions,
        tuple(added), tuple(float(counts.get(g, 0)) + 1.0 for g in added),
    )  # fmt: skip
    return language


SignSentence = Callable[[Any, np.random.Generator, list[str]], list[GlossUnit]]
"""A signer's units for one sentence (a row of the plan), given the previous sentence's glosses."""


def _english_signer(language: _Language, params: CorpusParams) -> SignSentence:
    """How the main corpus's signer signs an English subtitle (`grammar.sentence_to_units`)."""
    grammar = _grammar(params)

    def sign(row: Any, rng: np.random.Generator, context: list[str]) -> list[GlossUnit]:
        return sentence_to_units(row.text, language.vocabulary, grammar, rng, context)

    return sign


def _build_corpus(
    name: str,
    language: _Language,
    plan: _Plan,
    params: CorpusParams,
    prefix: str,
    sign: SignSentence | None = None,
) -> Corpus:
    grouped, split_of = plan.grouped, plan.split_of
    sign = sign or _english_signer(language, params)
    signers = make_signers(
        params.n_signers, np.random.default_rng(plan.signer_seq), f"{prefix}s",
        params.left_handed_share, params.signer_variability,
    )  # fmt: skip
    videos, sentences, signs = [], [], []
    arrays: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {s: [] for s in plan.splits}
    dropped = 0
    for index, rows in tqdm(grouped.groupby("video_index", sort=True), desc=f"rendering {name}"):
        rng = np.random.default_rng(plan.video_seqs[int(index)])
        signer = signers[int(rng.integers(len(signers)))]
        units, context = [], []
        for row in rows.itertuples():
            units.append(sign(row, rng, context))
            context = [u.gloss for u in units[-1] if u.kind == "sign"] or context
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
    mouth = mouth_shapes(timeline.n_frames, mouth_events, signer, rng)
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


def _speech_timings(
    frames: list[tuple[int, int]], n_frames: int, params: CorpusParams, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Speech-aligned subtitle times, shaped like Fig. A.3 of the supplement: a share starts
    when the signing starts; the others are shifted either way, speech leading on average."""
    duration = n_frames / params.fps
    out = []
    for start, end in frames:
        s, e = start / params.fps, end / params.fps
        lead = (
            0.0
            if rng.random() < params.speech_zero_share
            else rng.normal(params.speech_lead_mean_s, params.speech_lead_sd_s)
        )
        length = max(0.5, (e - s) + rng.normal(0, params.speech_duration_sd_s))
        begin = float(np.clip(s - lead, 0, duration - 0.5))
        out.append((begin, float(min(duration, begin + length))))
    return out


def _dictionaries(
    language: _Language, params: CorpusParams, seq: np.random.SeedSequence
) -> tuple[pd.DataFrame, PoseArray, list[Signer]]:
    """Isolated exemplars of two dictionaries, by other signers, in a different domain.

    The domain (clip length, slower signing, closer and varied framing, variant forms) is set
    from real dictionaries in `dictionaries`; `domain_gap` scales it from none (0) to that (1).
    """
    rng = np.random.default_rng(seq)
    gap = params.domain_gap
    domain = ExemplarDomain.from_params(params)
    signers = dictionary_signers(
        params.n_dictionary_signers, rng, params.left_handed_share, gap, domain
    )
    letters = _letters(language.shapes, language.code)
    reference = reference_frames(language.lexicon)
    rows, items = [], []
    for dictionary, coverage, mean_count in (
        ("wlasl", params.wlasl_coverage, params.wlasl_exemplars),
        ("msasl", params.msasl_coverage, params.msasl_exemplars),
    ):
        for gloss in [g for g in sorted(language.lexicon) if rng.random() < coverage]:
            for _ in range(1 + int(rng.poisson(max(0.0, mean_count - 1)))):
                signer = signers[int(rng.integers(len(signers)))]
                strength = variant_strength(gap, domain)
                sign = variant(language.lexicon[gloss], rng, strength, letters)
                data, conf = _render_exemplar(
                    sign, signer, dictionary, reference, language, params, rng
                )
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
    sign: Sign,
    signer: Signer,
    dictionary: str,
    reference: float,
    language: _Language,
    params: CorpusParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """One isolated sign in the dictionary domain: hands rise from rest, sign, and fall back."""
    rest_mouth = np.asarray(VISEME_SHAPES["rest"], dtype=np.float64)
    return render_exemplar(
        sign, signer, dictionary, reference, language.shapes, params, rest_mouth, rng
    )


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
        unsigned_share=params.unsigned_share, synonym_share=params.synonym_share,
        description_share=params.description_share, expression_share=params.expression_share,
        added_share=params.added_share, added_context_share=params.added_context_share,
    )  # fmt: skip


def _frames(n: int, signer: Signer) -> int:
    return max(1, int(round(n / signer.speed)))


def main(argv: list[str] | None = None) -> int:
    """Generate the simulated corpus from params.yaml's `corpus` section."""
    from slr_lib.pipeline.stage_cli import stage_main

    return stage_main(
        CorpusParams, lambda params, args: generate(params, args.out), prog="slr-corpus",
        description=main.__doc__, out="data/corpora", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
