from dataclasses import replace

import numpy as np

from slr_lib.data.simulate.lexicon import (
    build_lexicon,
    load_wordnet,
    make_sign,
    other_language_lexicon,
    renderings,
    variant,
)

SHAPES = [f"ase/{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


def form(sign):
    return (sign.handshape, sign.location, sign.movement, sign.two_handed, sign.handshape_end)


def test_lexicon_signs_are_distinct_forms():
    lexicon = build_lexicon([f"g{i}" for i in range(200)], np.random.default_rng(0), SHAPES, 0.4)
    forms = [form(s) for s in lexicon.values()]
    assert len(set(forms)) == len(forms) == 200


def test_mouthing_share_is_respected():
    lexicon = build_lexicon([f"g{i}" for i in range(400)], np.random.default_rng(1), SHAPES, 0.25)
    share = np.mean([s.mouthed for s in lexicon.values()])
    assert 0.18 < share < 0.32


def test_variant_of_strength_zero_keeps_the_form():
    sign = make_sign("cup", np.random.default_rng(2), SHAPES, 0.5)
    same = variant(sign, np.random.default_rng(3), 0.0, SHAPES)
    assert replace(same, amplitude=sign.amplitude) == sign
    changed = [variant(sign, np.random.default_rng(i), 1.0, SHAPES) for i in range(20)]
    assert any(form(c) != form(sign) for c in changed)


def test_other_language_is_drawn_independently_but_for_its_shared_share():
    main = build_lexicon([f"g{i}" for i in range(300)], np.random.default_rng(4), SHAPES, 0.4)
    own = [f"gsg/{c}" for c in "ABCDEFGHIKLMNOPQRSTUVWXY"]
    glosses = [f"g{i}" for i in range(150, 450)]  # half of them also in `main`
    other = other_language_lexicon(main, glosses, np.random.default_rng(5), own, 0.3, 0.4)
    assert list(other) == glosses
    shared = [g for g in glosses if g in main and other[g].handshape.startswith("ase/")]
    assert 0.2 < len(shared) / 150 < 0.4
    assert np.mean([other[g].location == main[g].location for g in shared]) > 0.8
    assert not any(other[g].handshape.startswith("ase/") for g in glosses if g not in main)
    unrelated = other_language_lexicon(main, glosses, np.random.default_rng(5), own, 0.0, 0.4)
    assert all(s.handshape.startswith("gsg/") for s in unrelated.values())


def test_wordnet_synonyms_descriptions_and_expressions():
    wordnet = load_wordnet()
    car = wordnet.synsets("car")[0]
    assert car.pos == "n" and "automobile" in car.words and "motor vehicle" in car.definition
    signs = ["large", "meal", "day", "search", "vehicle", "automobile"]
    found = renderings(wordnet, signs, ["big", "breakfast", "car", "dog"])
    assert found.synonyms["big"] == ("large",)
    assert found.descriptions["breakfast"] == ("meal", "day")
    assert "big" not in found.descriptions and "large" not in found.synonyms
    assert found.expressions[("look", "for")] == "search"
    assert "dog" not in found.synonyms


def test_sign_frames_set_the_median_length():
    glosses = [f"g{i}" for i in range(300)]
    lexicon = build_lexicon(glosses, np.random.default_rng(6), SHAPES, 0.4, sign_frames=12)
    durations = [s.duration for s in lexicon.values()]
    assert min(durations) >= 8 and max(durations) <= 16
    assert abs(np.median(durations) - 12) <= 1
