"""The corpus of each role, simulated or the user's real one: the `corpora` stage.

Chapters read a corpus by role, never by source: `main` (the retrieval corpus of every
chapter), `pretrain` (the related sign language that encoders are pre-trained on) and `phoenix`
(the second language's corpus of the PHOENIX-2014T chapters). The `corpora` section of
params.yaml says, once, where each role comes from; this stage writes `main` and `pretrain` to
`OUT/ROLE/` in the data model of `slr_lib.data.corpus`, and a real corpus's precomputed clip
features (the I3D role, in place of the simulated RGB-like view) to `OUT/ROLE_rgb/`. The
`phoenix` role has a stage of its own (`slr_lib.data.phoenix_role`), so that the German corpus
can change without re-running the chapters of the main one.

- `main`: `simulated` (the How2Sign-like corpus of the `corpus` section) or `how2sign` (the
  user's How2Sign sentence tables and keypoints, `slr_lib.data.how2sign`; optionally their
  CiCo I3D clip features, their WLASL / MS-ASL exemplars as `.pose` files, and the mouthing
  spottings of their own visual keyword spotter, `slr_lib.data.mouthings`);
- `pretrain`: `simulated` (a real pre-training corpus with sign annotations, such as BOBSL, has
  no adapter yet);
- `phoenix`: `simulated` (the PHOENIX-like weather corpus), `phoenix2014t` (the user's
  PHOENIX-2014T tables and features, `slr_lib.data.phoenix`) or `none`.

What a real corpus lacks is recorded in its manifest (`simulated: false`, no `signs.parquet`):
stages that need the simulated ground truth read it there and say what they leave out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from slr_lib.atomic import replacing_folder
from slr_lib.config import ParamsError, SectionConfig, knob
from slr_lib.data.corpus import Corpus
from slr_lib.data.exemplars import dictionary_exemplars
from slr_lib.data.features import read_cico_annotation, sentence_features, write_ce_features
from slr_lib.data.how2sign import load_how2sign
from slr_lib.data.mouthings import read_mouthing_spottings, write_spottings
from slr_lib.data.phoenix import read_feature_files
from slr_lib.data.roles import mouthings_file, rgb_features_dir
from slr_lib.data.simulate.generate import generate
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.logging_setup import get_logger

LOG = get_logger(__name__)

MAIN_SOURCES = ("simulated", "how2sign")
PRETRAIN_SOURCES = ("simulated",)
PHOENIX_SOURCES = ("simulated", "phoenix2014t", "none")


@dataclass(frozen=True)
class CorporaConfig(SectionConfig):
    """Where each role's corpus comes from (the `corpora` section of params.yaml).

    Paths are relative to the project root; "" means not given.
    """

    SECTION = "corpora"

    main: str = knob("simulated", choices=MAIN_SOURCES)
    pretrain: str = knob("simulated", choices=PRETRAIN_SOURCES)
    phoenix: str = knob("simulated", choices=PHOENIX_SOURCES)
    how2sign_tables: str = knob("")
    how2sign_pose_dir: str = knob("")
    how2sign_keypoints_dir: str = knob("")
    how2sign_keypoints_per: str = knob("clip", choices=("clip", "video"))
    how2sign_fps: float = knob(24.0, gt=0)
    how2sign_frame_size: list[int] = knob((1280, 720), gt=0, min_items=2)
    how2sign_length_tolerance_s: float = knob(0.5, ge=0)
    how2sign_splits: list[str] = knob(("train", "val", "test"), choices=("train", "val", "test"))
    cico_features: str = knob("")
    cico_annotations: list[str] = knob(())
    cico_window: int = knob(16, ge=1)
    cico_stride: int = knob(1, ge=1)
    wlasl_json: str = knob("")
    msasl_json: list[str] = knob(())
    exemplar_pose_dir: str = knob("")
    mouthing_spottings: str = knob("")
    phoenix_tables: list[str] = knob(())
    phoenix_features: list[str] = knob(())

    def check(self, where: str) -> None:
        if self.main == "how2sign":
            if not self.how2sign_tables:
                raise ParamsError(
                    f"params key '{where}.how2sign_tables' is needed for main: how2sign"
                )
            if not (self.how2sign_pose_dir or self.how2sign_keypoints_dir):
                raise ParamsError(
                    f"params section '{where}': main: how2sign needs how2sign_pose_dir (.pose "
                    "files) or how2sign_keypoints_dir (OpenPose folders)"
                )
            if self.cico_features and self.how2sign_keypoints_per != "clip":
                raise ParamsError(
                    f"params key '{where}.cico_features' needs how2sign_keypoints_per: clip "
                    "(CiCo's features are per sentence clip)"
                )
            if self.cico_features and not self.cico_annotations:
                raise ParamsError(
                    f"params key '{where}.cico_annotations' is needed with cico_features: "
                    "CiCo's data_h2_{split}.pkl files map clips to sentences"
                )
            if (self.wlasl_json or self.msasl_json) and not self.exemplar_pose_dir:
                raise ParamsError(
                    f"params key '{where}.exemplar_pose_dir' is needed with wlasl_json or "
                    "msasl_json: the exemplars' .pose files, named by video_id"
                )
        elif self.mouthing_spottings:
            raise ParamsError(
                f"params key '{where}.mouthing_spottings' is for a real main corpus (main: "
                "how2sign): the simulated corpus's mouthings are spotted by the book's lip reader"
            )
        if len(self.how2sign_frame_size) != 2:
            raise ParamsError(f"params key '{where}.how2sign_frame_size' must be [width, height]")
        if self.phoenix == "phoenix2014t" and not self.phoenix_tables:
            raise ParamsError(
                f"params key '{where}.phoenix_tables' is needed for phoenix: phoenix2014t"
            )


def how2sign_corpus(config: CorporaConfig, root: Path) -> Corpus:
    """The user's How2Sign corpus, with their dictionary exemplars where given."""
    corpus = load_how2sign(
        project_file(root, config.how2sign_tables),
        keypoints_dir=_optional(root, config.how2sign_keypoints_dir),
        pose_dir=_optional(root, config.how2sign_pose_dir),
        fps=config.how2sign_fps,
        splits=tuple(config.how2sign_splits),
        frame_size=(config.how2sign_frame_size[0], config.how2sign_frame_size[1]),
        keypoints_per=config.how2sign_keypoints_per,
        length_tolerance_s=config.how2sign_length_tolerance_s,
    )
    if config.wlasl_json or config.msasl_json:
        corpus.exemplars, corpus.exemplar_poses, counts = dictionary_exemplars(
            wlasl=_optional(root, config.wlasl_json),
            msasl=[project_file(root, p) for p in config.msasl_json],
            pose_dir=project_file(root, config.exemplar_pose_dir),
        )
        corpus.info["exemplars"] = counts
    return corpus


def cico_rgb_features(config: CorporaConfig, root: Path, corpus: Corpus) -> dict[str, np.ndarray]:
    """The main corpus's CiCo I3D features by clip (`video_id`, a SENTENCE_NAME)."""
    mapping: dict[str, list[str]] = {}
    for path in config.cico_annotations:
        mapping |= read_cico_annotation(project_file(root, path))
    return sentence_features(
        project_file(root, config.cico_features), mapping, corpus.videos["video_id"].tolist()
    )


def write_rgb_features(
    corpus_dir: Path, features: dict[str, np.ndarray], source: str, window: int, stride: int
) -> Path:
    """A real corpus's own clip features as the features folder beside it (`roles`)."""
    out = rgb_features_dir(corpus_dir)
    with replacing_folder(out) as partial:
        write_ce_features(partial / "main_videos.pkl", features)
        meta = {"encoder": source, "view": "rgb", "window": window, "stride": stride}
        (partial / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return out


def remove_unused(config: CorporaConfig, out: Path) -> None:
    """Remove what an earlier run wrote for a role that is no longer real (its corpus or its
    clip features), so that no stage reads it."""
    stale = []
    if not (config.main == "how2sign" and config.cico_features):
        stale.append(rgb_features_dir(out / "main"))
    if not (config.main == "how2sign" and config.mouthing_spottings):
        mouthings_file(out / "main").unlink(missing_ok=True)
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def phoenix_features(config: CorporaConfig, root: Path) -> dict[str, np.ndarray]:
    """The PHOENIX-2014T features by clip (`video_id`, a PHOENIX `name`); none if not given."""
    return read_feature_files([project_file(root, p) for p in config.phoenix_features])


def build_corpora(config: CorporaConfig, simulator: CorpusParams, out: Path, root: Path) -> None:
    """Write the `main` and `pretrain` corpora under `out`: the simulated ones from
    `simulator`'s knobs (the pre-training language is drawn with the simulated main one, so
    both are always written), then a real main one over its role (`root`: the folder relative
    paths start from)."""
    out.mkdir(parents=True, exist_ok=True)
    remove_unused(config, out)
    generate(simulator, out)
    if config.main == "how2sign":
        corpus = how2sign_corpus(config, root)
        corpus.save(out / "main")
        LOG.info("main corpus: How2Sign, %d sentences", len(corpus.sentences))
        if config.cico_features:
            features = cico_rgb_features(config, root, corpus)
            source = f"cico-i3d ({config.cico_features})"
            write_rgb_features(
                out / "main", features, source, config.cico_window, config.cico_stride
            )
        if config.mouthing_spottings:
            spottings = read_mouthing_spottings(
                project_file(root, config.mouthing_spottings), corpus
            )
            write_spottings(mouthings_file(out / "main"), spottings)
            LOG.info("main corpus: %d given mouthing spottings", len(spottings))


def project_file(root: Path, value: str) -> Path:
    """A path of params.yaml: absolute as given, else relative to `root`."""
    path = Path(value)
    return path if path.is_absolute() else root / path


def _optional(root: Path, value: str) -> Path | None:
    return project_file(root, value) if value else None


def main(argv: list[str] | None = None) -> int:
    """Write the main and pre-training corpora (params.yaml's `corpora`; simulated: `corpus`)."""
    from slr_lib.pipeline.stage_cli import stage_main

    def run(config: CorporaConfig, args: argparse.Namespace) -> None:
        simulator = CorpusParams.load(args.params, args.profile)
        build_corpora(config, simulator, args.out, args.params.resolve().parent)

    return stage_main(
        CorporaConfig, run, prog="slr-corpora", description=main.__doc__,
        out="data/corpora", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
