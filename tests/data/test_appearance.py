import numpy as np

from slr_lib.data.appearance import render_view, signer_appearance


def test_view_shows_the_signer_in_their_colours(generated):
    main = generated[1]
    video = main.videos.iloc[0]
    data, conf = main.video_pose(video["video_id"])
    look = signer_appearance(main.info)[video["signer"]]
    view = render_view(data[:10], conf[:10], look, size=16)
    assert view.shape == (10, 16, 16) and view.min() >= 0 and view.max() <= 1
    # corners show the background, the centre the signer's clothing
    np.testing.assert_allclose(view[:, 0, 0], look[2], atol=0.05)
    assert abs(view[:, 10, 8].mean() - look[1]) < abs(view[:, 10, 8].mean() - look[2])


def test_lost_hands_are_drawn_where_last_seen(generated):
    main = generated[1]
    data, conf = main.video_pose(main.videos.iloc[0]["video_id"])
    data, conf = np.array(data[:20]), np.array(conf[:20])
    look = (0.9, 0.3, 0.1)
    full = render_view(data, conf, look)
    dropped = conf.copy()
    dropped[10:, 46:67] = 0  # the right hand is lost from frame 10 on
    lost = render_view(np.where(dropped[..., None] > 0, data, 0), dropped, look)
    held = data.copy()
    held[10:, 46:67] = data[9, 46:67]  # the right hand where it was last seen, the rest as is
    expected = render_view(held, conf, look)
    np.testing.assert_allclose(lost[10:], expected[10:], atol=0.02)
    assert np.abs(full[10:] - expected[10:]).max() > 0.02  # the hand did move: the test can fail


def test_signer_table_round_trip():
    info = {"signers": {"signer_id": ["a", "b"], "appearance": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]}}
    assert signer_appearance(info) == {"a": (0.1, 0.2, 0.3), "b": (0.4, 0.5, 0.6)}
