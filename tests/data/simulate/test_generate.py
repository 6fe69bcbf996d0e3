import hashlib
from dataclasses import fields

import numpy as np
import pytest
import yaml

from slr_lib.data.corpus import Corpus
from slr_lib.data.simulate.generate import _speech_timings
from slr_lib.data.simulate.grammar import candidate_words
from slr_lib.data.simulate.params import CorpusParams
from tests.conftest import ROOT, make


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(generated, tmp_path_factory):
    again, _, _ = make(tmp_path_factory, "again")
    assert digest(generated[0]) == digest(again)


def test_saved_corpus_loads_with_every_part(generated):
    out, main, pretrain = generated
    loaded = Corpus.load(out / "main")
    assert loaded.splits == ["train", "val", "test"]
    assert len(loaded.sentences) == len(main.sentences) > 30
    assert set(loaded.exemplars["dictionary"]) == {"wlasl", "msasl"}
    assert loaded.signs is not None and len(loaded.signs) > len(loaded.sentences)
    assert Corpus.load(out / "pretrain").language == "gsg"
    assert set(pretrain.splits) == {"train", "val"}


def test_splits_keep_whole_videos(generated):
    sentences = generated[1].sentences
    assert (sentences.groupby("video_id")["split"].nunique() == 1).all()


def test_ground_truth_spans_lie_inside_their_sentence(generated):
    main = generated[1]
    merged = main.signs.merge(main.sentences, on=["sentence_id", "video_id"])
    fps = main.fps
    assert (merged["start_frame"] >= np.floor(merged["start_sign"] * fps) - 1).all()
    assert (merged["end_frame"] <= np.ceil(merged["end_sign"] * fps) + 1).all()
    assert (merged["end_frame"] > merged["start_frame"]).all()


def test_speech_leads_signing_on_average(generated):
    s = generated[1].sentences
    assert (s["start_sign"] - s["start_speech"]).mean() > 0.2
    assert (s["start_speech"] >= 0).all() and (s["end_speech"] > s["start_speech"]).all()


def test_knobs_switch_phenomena_off(tmp_path_factory):
    _, main, _ = make(
        tmp_path_factory, "off", mouthing_consistency=0.0, fingerspell_share=0.0,
        speech_zero_share=1.0, pretrain_sentences=10, **NO_GAP,
    )  # fmt: skip
    assert not main.signs["mouthed"].any()
    assert set(main.signs["kind"]) == {"sign"}
    np.testing.assert_allclose(main.sentences["start_speech"], main.sentences["start_sign"])
    assert own_word_share(main) == 1.0


NO_GAP = dict(
    unsigned_share=0.0, synonym_share=0.0, description_share=0.0, expression_share=0.0,
    added_share=0.0,
)  # fmt: skip


def own_word_share(corpus) -> float:
    """Share of lexical signs whose gloss is a lemma of their sentence's subtitle."""
    lemmas = {
        row.sentence_id: {lemma for _, lemma in candidate_words(row.text)}
        for row in corpus.sentences.itertuples()
    }
    lexical = corpus.signs[corpus.signs["kind"] == "sign"]
    pairs = zip(lexical["gloss"], lexical["sentence_id"], strict=True)
    return float(np.mean([gloss in lemmas[sentence] for gloss, sentence in pairs]))


def test_translation_gap_signs_what_the_subtitle_does_not_say(generated):
    assert own_word_share(generated[1]) < 0.85


def test_lexicon_comes_from_the_training_text_only(generated):
    main = generated[1]
    train = main.sentences[main.sentences["split"] == "train"]
    lemmas = {lemma for text in train["text"] for _, lemma in candidate_words(text)}
    assert set(main.info["lexicon"]["gloss"]) <= lemmas


def test_speech_shifts_go_both_ways():
    params = CorpusParams(speech_zero_share=0.25, speech_lead_mean_s=0.8, speech_lead_sd_s=0.7)
    frames = [(2400 + 240 * k, 2400 + 240 * k + 120) for k in range(2000)]
    timings = _speech_timings(frames, 2400 + 240 * 2001, params, np.random.default_rng(0))
    shift = np.array([s / params.fps - b for (s, _), (b, _) in zip(frames, timings, strict=True)])
    assert abs(np.mean(np.abs(shift) < 1e-9) - 0.25) < 0.03
    assert 0.05 < np.mean(shift < 0) < 0.15
    assert 0.5 < shift.mean() < 0.7


def test_domain_gap_makes_exemplars_slower(tmp_path_factory):
    lengths = {}
    for gap in (0.0, 1.0):
        _, main, _ = make(tmp_path_factory, f"gap{gap}", domain_gap=gap, pretrain_sentences=10)
        lengths[gap] = main.exemplars["n_frames"].mean()
    assert lengths[1.0] > lengths[0.0] * 1.15


def test_dataclass_defaults_are_the_tiny_profile():
    assert CorpusParams.load(ROOT / "params.yaml", "tiny") == CorpusParams()
    raw = yaml.safe_load((ROOT / "params.yaml").read_text())["corpus"]
    assert set(raw) == {f.name for f in fields(CorpusParams)}, "every knob lives in params.yaml"


def test_keypoints_are_in_frame_where_detected(generated):
    main = generated[1]
    poses = main.poses["train"]
    seen = np.asarray(poses.confidence) > 0
    xy = np.asarray(poses.data[..., :2], dtype=np.float32)[seen]
    assert np.mean((xy > 0) & (xy < 1)) > 0.99


@pytest.mark.parametrize("split", ["train", "test"])
def test_hands_are_mostly_detected_but_not_always(generated, split):
    from slr_lib.data.stats import hand_detection_rate

    assert 0.5 < hand_detection_rate(generated[1], split) < 1.0
