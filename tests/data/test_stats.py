import numpy as np

from slr_lib.data import stats


def test_statistics_of_the_generated_corpus(generated):
    main = generated[1]
    counts = stats.split_counts(main)
    assert counts["sentences"].sum() == len(main.sentences)
    table = stats.sentence_table(main)
    assert (table["words"] >= 3).all() and (table["units"] >= 1).all()
    assert 1.0 < stats.quantiles(table["words_per_second"])["median"] < 6.0
    hist = stats.alignment_histogram(stats.alignment_shifts(main))
    assert hist["start_shift"].sum() == len(main.sentences)
    units = stats.unit_summary(main)
    assert 0 < units["mouthed_share"] < 1
    coverage = stats.dictionary_coverage(main)
    assert coverage.loc["either", "glosses"] >= coverage.loc["wlasl", "glosses"]


def test_gaps_only_within_videos(generated):
    gaps = stats.sentence_gaps(generated[1])
    assert len(gaps) == len(generated[1].sentences) - generated[1].videos.shape[0]
    assert np.all(gaps >= 0)
