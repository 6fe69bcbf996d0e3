"""The second language's corpus, the `phoenix` role, and its clip features: the `phoenix_corpus`
stage.

`corpora.phoenix` in params.yaml says where the role comes from:

- `simulated` (the default): the PHOENIX-like corpus of German weather forecasts
  (`slr_lib.data.simulate.weather`; knobs in the `phoenix_corpus` section, motion and noise
  from the `corpus` section);
- `phoenix2014t`: the user's PHOENIX-2014T tables and, where given, their features
  (`slr_lib.data.phoenix`); the features become the role's RGB view;
- `none`: no second language (the PHOENIX chapters say they did not run).

The role has its own stage, apart from `corpora`, so that the German corpus can change without
re-running every chapter of the How2Sign-like one. It writes `OUT/corpus/` (the data model of
`slr_lib.data.corpus`), `OUT/corpus_rgb/` for real features, and both views' fixed clip
features under `OUT/features/` (`slr_lib.data.clip_features`; a corpus without keypoints, as
PHOENIX-2014T is published, has no pose view); `slr_lib.data.phoenix_layout` says where.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from slr_lib.atomic import replacing_folder
from slr_lib.data.clip_features import VIEWS, FixedClipEncoder, view_features, write_meta
from slr_lib.data.corpora import CorporaConfig, phoenix_features, project_file, write_rgb_features
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import write_ce_features
from slr_lib.data.phoenix import build_phoenix_corpus
from slr_lib.data.phoenix_layout import corpus_dir, features_dir, write_absent
from slr_lib.data.simulate.generate import generate_weather
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.weather_params import WeatherCorpusParams
from slr_lib.logging_setup import get_logger

LOG = get_logger(__name__)


def has_keypoints(corpus: Corpus) -> bool:
    """Whether any keypoint was found anywhere (PHOENIX-2014T publishes none)."""
    return any(float(poses.confidence.max(initial=0)) > 0 for poses in corpus.poses.values())


def build_role(
    sources: CorporaConfig,
    weather: WeatherCorpusParams,
    render: CorpusParams,
    encoder: FixedClipEncoder,
    out: Path,
    root: Path,
) -> None:
    """Write the role's corpus and features under `out` (`root`: where relative paths start)."""
    with replacing_folder(out) as partial:
        if sources.phoenix == "none":
            reason = "params.yaml sets corpora.phoenix: none (no second language)"
            write_absent(partial, reason)
            return
        folder = corpus_dir(partial)
        if sources.phoenix == "simulated":
            corpus = generate_weather(weather, render, folder)
        else:
            features = phoenix_features(sources, root)
            tables = [project_file(root, p) for p in sources.phoenix_tables]
            corpus = build_phoenix_corpus(tables, features=features or None)
            corpus.save(folder)
            if features:
                source = "phoenix2014t features (Sign Language Transformers release)"
                write_rgb_features(folder, features, source, 1, 1)
        LOG.info("phoenix role: %s, %d sentences", corpus.name, len(corpus.sentences))
        write_views(corpus, folder, encoder, partial)


def write_views(corpus: Corpus, folder: Path, encoder: FixedClipEncoder, out: Path) -> None:
    """Both views' fixed clip features of the role's corpus, where the view can be made."""
    for view in VIEWS:
        if view == "pose" and not has_keypoints(corpus):
            LOG.warning("corpus %s has no keypoints: no pose view", corpus.name)
            continue
        features = view_features(corpus, folder, encoder, view)
        if features is None:
            LOG.warning("corpus %s has no %s view", corpus.name, view)
            continue
        target = features_dir(out, view)
        write_meta(target, encoder, view)
        write_ce_features(target / "main_videos.pkl", features["videos"])


def main(argv: list[str] | None = None) -> int:
    """Write the second language's corpus (params.yaml's `corpora.phoenix`) and its features."""
    from slr_lib.pipeline.stage_cli import stage_main

    def run(weather: WeatherCorpusParams, args: argparse.Namespace) -> None:
        sources = CorporaConfig.load(args.params, args.profile)
        render = CorpusParams.load(args.params, args.profile)
        encoder = FixedClipEncoder.load(args.params, args.profile)
        build_role(sources, weather, render, encoder, args.out, args.params.resolve().parent)

    return stage_main(
        WeatherCorpusParams, run, prog="slr-phoenix-corpus", description=main.__doc__,
        out="data/phoenix", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
