import matplotlib

matplotlib.use("Agg")

from slr_lib.data import layout  # noqa: E402
from slr_lib.data.plots import filmstrip, skeleton_edges  # noqa: E402


def test_edges_stay_in_the_layout():
    edges = skeleton_edges()
    assert all(0 <= a < layout.N_POINTS and 0 <= b < layout.N_POINTS for a, b in edges)
    assert len(edges) > 40


def test_filmstrip_has_a_panel_per_frame_and_a_track(generated):
    main = generated[1]
    sentence = main.sentences.iloc[0]
    data, conf = main.sentence_pose(sentence)
    spans = main.signs[main.signs["sentence_id"] == sentence["sentence_id"]]
    fig = filmstrip(data, conf, [0, 5, 10], spans, main.fps)
    assert len(fig.axes) == 4
