"""The spot_align stage on a corpus without what the simulated one has (a real one)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from slr_lib.spotting.stage import require_dictionary, verified_accuracy


def test_a_main_corpus_without_exemplars_is_refused_naming_the_settings(generated):
    _, main, _ = generated
    require_dictionary(main)
    bare = replace(main, exemplars=main.exemplars.iloc[:0], exemplar_poses=None)
    with pytest.raises(ValueError, match="no dictionary exemplars.*wlasl_json or msasl_json"):
        require_dictionary(bare)


def test_without_ground_truth_no_model_is_measured(generated):
    _, main, _ = generated
    never_called = object()  # a model is not run where there is nothing to measure it on
    accuracy, verified = verified_accuracy(replace(main, signs=None), {"M": never_called}, {}, [])
    assert accuracy == {"M": {}} and verified == 0
