import pytest

from slr_lib.paths import project_path, project_root


def test_root_found_from_a_subfolder(tmp_path):
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    sub = tmp_path / "notebooks" / "deep"
    sub.mkdir(parents=True)
    assert project_root(sub) == tmp_path
    assert project_path("data/x", sub) == tmp_path / "data" / "x"
    assert project_path(tmp_path / "abs", sub) == tmp_path / "abs"


def test_clear_error_outside_a_project(tmp_path):
    with pytest.raises(FileNotFoundError, match="dvc.yaml"):
        project_root(tmp_path)
