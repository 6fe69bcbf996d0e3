import ipywidgets as widgets
import numpy as np
import pytest

from slr_lib.widgets import ranked_list_html, ranked_results_browser


def test_ranked_list_orders_and_marks_target():
    html = ranked_list_html(np.array([0.1, 0.9, 0.5]), ["a", "b", "<c>"], target=2, top_k=2)
    assert html.index("<td>b</td>") < html.index("&lt;c&gt;")  # escaped, ordered by score
    assert "<td>a</td>" not in html
    assert html.count("✔ match") == 1


def test_browser_links_picker_to_pages_in_the_browser():
    sims = np.random.default_rng(0).random((3, 6))
    box = ranked_results_browser(["q0", "q1", "q2"], sims, [f"v{j}" for j in range(6)], [0, 1, 2])
    assert box.children == (box.picker, box.pages)
    assert isinstance(box.picker, widgets.Dropdown) and isinstance(box.pages, widgets.Stack)
    assert len(box.pages.children) == 3
    assert box.link.source == (box.picker, "index")
    assert box.link.target == (box.pages, "selected_index")


def test_browser_checks_shapes():
    with pytest.raises(ValueError, match="expected \\(2, 3\\)"):
        ranked_results_browser(["a", "b"], np.zeros((2, 4)), ["x", "y", "z"])
    with pytest.raises(ValueError, match="one entry per query"):
        ranked_results_browser(["a"], np.zeros((1, 1)), ["x"], targets=[0, 0])
