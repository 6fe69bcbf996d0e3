"""A searchable collection of signing videos: a trained CM model, a FAISS index of its video
embeddings, and what each entry is. The `search_index` stage builds one from the main corpus's
test videos (`data/search`); `slr-index add VIDEO...` adds your own videos to a copy of it, and
`slr-index search "a sentence"` ranks everything in it.

The model is the CM model of SPOT-ALIGN (`slr_lib.trainer.crossmodal`) trained on the main
corpus's clip features of the pose view (`slr_lib.data.clip_features`: keypoints normalised to
the shoulders, window statistics, a fixed projection) with a pre-trained text embedder. A video
of your own goes through the same path: MediaPipe Holistic keypoints (`slr_lib.video_pose`),
the same clip features, the same video encoder. **The model was trained on the simulated
corpus**: it is not expected to find real signing by its meaning, and the commands say so.

Three ways to rank (`METHODS`), as in SPOT-ALIGN Table 6: CM, the cosine similarity of the
query's and the video's embeddings; SR, the intersection over union of the query's lemmas with
the words the spot_align stage's final sign recogniser found in the video (`sr_threshold`; a
video of your own has none, so SR gives it 0); and their late fusion with `fusion_weight`
(`slr_lib.score_fusion`). CM alone searches the index for the best k; SR and the fusion score
every entry.

A collection folder holds `model.pt` (weights and settings, read with `weights_only`),
`index/` (`slr_lib.search.VideoIndex`), `entries.json` (each id's text or source file),
`words.json` (each test video's recognised lemmas), `lemmas.json` (the lemma table of SR
queries, `slr_lib.search_text`) and `poses/` (the `.pose` files of added videos). It is written
whole or not at all (`slr_lib.atomic.replacing_folder`), so a failure leaves the previous
collection as it was. The book's search box (`slr_lib.search_page`) is exported from it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from slr_lib.atomic import replacing_folder
from slr_lib.config import knob
from slr_lib.data.clip_features import FixedClipEncoder, pose_frames
from slr_lib.data.corpus import Corpus
from slr_lib.experiments.crossmodal_setup import (
    CrossModalKnobs,
    load_clips,
    train_config,
    with_embedder,
)
from slr_lib.experiments.spotalign_setup import (
    final_model,
    load_recogniser,
    read_summary,
    spot_align_missing,
    sr_scores,
)
from slr_lib.logging_setup import get_logger
from slr_lib.model.crossmodal import CrossModalModel
from slr_lib.model.padding import pad_sequences
from slr_lib.pipeline.stage_cli import into_out, stage_main
from slr_lib.recognised_words import iou_similarity
from slr_lib.score_fusion import late_fusion
from slr_lib.search import VideoIndex
from slr_lib.search_text import LemmaTable
from slr_lib.text_embeddings import TokenEmbedder, make_embedder
from slr_lib.trainer import distributed
from slr_lib.trainer.crossmodal import TrainConfig, encode_videos, train_crossmodal

log = get_logger(__name__)

PRETRAINED_TEXT = ("wordllama", "minilm")  # embedders that need nothing saved beside the model
STAGE_OUT = "data/search"
METHODS = ("CM", "SR", "SR+CM")  # CM alone where the collection has no recogniser
USER_COLLECTION = "collection"  # where `slr-index add` keeps your copy (git-ignored)
CAVEAT = (
    "note: the model was trained on the book's simulated signing corpus; it is not expected to "
    "find real signing by its meaning."
)


@dataclass(frozen=True)
class SearchIndexConfig(CrossModalKnobs):
    """The `search_index` stage: the CM model of the searchable collection (first seed)."""

    SECTION = "search_index"

    features_dir: str = knob()  # the pose view's fixed clip features (the `features` stage)
    embedding: str = knob(choices=PRETRAINED_TEXT)
    spotalign_dir: str = knob()  # its final recogniser gives SR's words; "": CM alone
    sr_threshold: float = knob(ge=0, le=1)
    fusion_weight: float = knob(ge=0, le=1)


@dataclass
class Collection:
    """The model, its text embedder, the index and the entries of one collection folder."""

    model: CrossModalModel
    embedder: TokenEmbedder
    index: VideoIndex
    entries: dict[str, dict[str, str]]
    settings: dict[str, Any]  # embedding, TrainConfig, FixedClipEncoder, input sizes, SR
    words: dict[str, list[str]] = field(default_factory=dict)  # id -> recognised lemmas
    lemmas: LemmaTable = field(default_factory=LemmaTable.from_lemminflect)
    poses: dict[str, bytes] = field(default_factory=dict)  # .pose files added since loading

    # -- reading and writing --------------------------------------------------------------

    @classmethod
    def load(cls, folder: str | Path) -> Collection:
        """Read a collection folder (see the module docstring)."""
        folder = Path(folder)
        for name in ("model.pt", "entries.json", "index"):
            if not (folder / name).exists():
                raise FileNotFoundError(
                    f"{folder / name} is missing: not a collection (build one with `dvc repro "
                    "search_index`, or name a folder `slr-index add` wrote)"
                )
        saved = torch.load(folder / "model.pt", map_location="cpu", weights_only=True)
        settings = json.loads(saved["settings"])
        train = TrainConfig(**settings["train"])
        model = CrossModalModel(
            settings["word_dim"], settings["feature_dim"], pooling=train.pooling,
            clusters=train.clusters, out_dim=train.out_dim,
        )  # fmt: skip
        model.load_state_dict(saved["state"])
        model.eval()
        entries = json.loads((folder / "entries.json").read_text(encoding="utf-8"))
        index = VideoIndex.load(folder / "index", use_gpu=False)
        if set(index.ids) != set(entries):
            raise ValueError(f"{folder}: the index and entries.json hold different ids")
        words = {}  # collections written before SR was added have no words.json
        if (folder / "words.json").is_file():
            words = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        lemmas = (LemmaTable.load(folder / "lemmas.json") if (folder / "lemmas.json").is_file()
                  else LemmaTable.from_lemminflect())  # fmt: skip
        embedder = make_embedder(settings["embedding"])
        return cls(model, embedder, index, entries, settings, words, lemmas)

    def save(self, folder: str | Path) -> Path:
        """Write the collection to `folder`, replacing it only once everything is written."""
        folder = Path(folder)
        with replacing_folder(folder) as staging:
            if (folder / "poses").is_dir():
                shutil.copytree(folder / "poses", staging / "poses")
            (staging / "poses").mkdir(exist_ok=True)
            for name, content in self.poses.items():
                (staging / "poses" / f"{name}.pose").write_bytes(content)
            settings = json.dumps(self.settings)
            torch.save({"state": self.model.state_dict(), "settings": settings},
                       staging / "model.pt")  # fmt: skip
            self.index.save(staging / "index")
            (staging / "entries.json").write_text(json.dumps(self.entries, indent=1))
            (staging / "words.json").write_text(json.dumps(self.words, indent=1))
            self.lemmas.save(staging / "lemmas.json")
        self.poses = {}
        return folder

    # -- embedding, adding, searching -----------------------------------------------------

    @property
    def methods(self) -> tuple[str, ...]:
        """The ways this collection can rank: CM, and SR and the fusion where it has words."""
        return METHODS if self.settings.get("sr") else METHODS[:1]

    @property
    def clip_encoder(self) -> FixedClipEncoder:
        return FixedClipEncoder(**self.settings["clips"])

    @torch.no_grad()
    def embed_keypoints(self, data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
        """The (1, C) video embedding of keypoints in our layout."""
        clips = self.clip_encoder.encode(pose_frames(data, confidence)).astype(np.float32)
        return self.model.encode_video(*pad_sequences([clips])).numpy()

    @torch.no_grad()
    def embed_query(self, text: str) -> np.ndarray:
        """The (1, C) embedding of a typed query."""
        if not text.strip():
            raise ValueError("the query is empty: type a sentence")
        words = self.embedder.embed([text])[0]
        return self.model.encode_text(*pad_sequences([words])).numpy()

    def add_video(self, path: str | Path, name: str | None = None, progress: bool = True) -> str:
        """Add the video at `path` (MediaPipe keypoints, then the model); its id."""
        from slr_lib.video_pose import video_to_pose

        path = Path(path)
        name = name or path.stem
        if name in self.entries:
            raise ValueError(f"{path}: the id {name!r} is already in the collection")
        found = video_to_pose(path, progress=progress)
        self.index.add([name], self.embed_keypoints(found.data, found.confidence))
        self.entries[name] = {
            "source": str(path.resolve()),
            "frames": str(len(found.data)),
            "hands_found": f"{found.hand_share:.2f}",
        }
        self.words[name] = []  # no sign recogniser runs on your videos: SR gives them 0
        self.poses[name] = found.pose_bytes
        return name

    def scores(self, text: str) -> dict[str, np.ndarray]:
        """Every method's score of every entry, in the index's order, for a typed query."""
        query = self.embed_query(text)[0]
        cm = self.index.vectors() @ query
        if not self.settings.get("sr"):
            return {"CM": cm}
        videos = [frozenset(self.words.get(i, ())) for i in self.index.ids]
        sr = iou_similarity([self.lemmas.query_words(text)], videos)[0]
        return {"CM": cm, "SR": sr, "SR+CM": late_fusion(sr, cm, self.settings["sr"]["weight"])}

    def search(self, text: str, k: int = 10, method: str = "CM") -> list[dict[str, Any]]:
        """The `k` best entries for a typed query: rank, id, score and what the entry is."""
        if method not in self.methods:
            raise ValueError(f"method {method!r}: this collection ranks by {self.methods}")
        if method == "CM":
            found, best = self.index.search(self.embed_query(text), k)
            ids, scores = found[0], best[0].tolist()
        else:
            score = self.scores(text)[method]
            order = np.argsort(-score, kind="stable")[:k]
            ids, scores = [self.index.ids[j] for j in order], score[order].tolist()
        return [
            {"rank": rank, "id": i, "score": float(s), **self.entries[i]}
            for rank, (i, s) in enumerate(zip(ids, scores, strict=True), start=1)
        ]


# -- the search_index stage ---------------------------------------------------------------


def build(config: SearchIndexConfig) -> Collection:
    """Train the CM model on the main corpus and index its test videos' embeddings."""
    clips = load_clips(config.corpus_dir, config.features_dir)
    if clips.meta.get("view") != "pose":
        raise ValueError(f"{config.features_dir}: the collection reads the pose view's features")
    missing = [k for k in asdict(FixedClipEncoder()) if k not in clips.meta]
    if missing:
        raise ValueError(f"{config.features_dir}/meta.json lacks the clip settings {missing}")
    embedder = make_embedder(config.embedding)
    pairs = with_embedder(clips, embedder)
    train, val, test = (pairs.splits[s] for s in ("train", "val", "test"))
    train_settings = replace(train_config(config), seed=config.seeds[0])
    model = train_crossmodal(train, val, train_settings).model.cpu().eval()
    index = VideoIndex(train_settings.out_dim, "flat", use_gpu=False)
    index.add(test.sentence_ids, encode_videos(model, test))
    entries = {i: {"text": t, "source": "test split"} for i, t in
               zip(test.sentence_ids, test.texts, strict=True)}  # fmt: skip
    clip_settings = {k: clips.meta[k] for k in asdict(FixedClipEncoder())}
    settings = {
        "embedding": config.embedding,
        "train": asdict(train_settings),
        "clips": clip_settings,
        "word_dim": train.word_dim,
        "feature_dim": train.feature_dim,
        "sr": None,
    }
    words: dict[str, list[str]] = {}
    if config.spotalign_dir and not spot_align_missing(config.spotalign_dir):
        words, settings["sr"] = recognised_words(config, clips.corpus)
    return Collection(model, embedder, index, entries, settings, words)


def recognised_words(
    config: SearchIndexConfig, corpus: Corpus
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Each test video's words recognised by spot_align's final recogniser, and SR's settings."""
    folder = config.spotalign_dir
    recogniser = load_recogniser(folder, final_model(read_summary(folder)))
    _, word_sets = sr_scores(corpus, "test", recogniser, config.sr_threshold)
    ids = corpus.split_sentences("test")["sentence_id"].tolist()
    words = {i: sorted(w) for i, w in zip(ids, word_sets, strict=True)}
    sr = {"recogniser": recogniser.name, "threshold": config.sr_threshold,
          "weight": config.fusion_weight}  # fmt: skip
    return words, sr


def run_stage(config: SearchIndexConfig, out: Path) -> None:
    world = distributed.init_from_env()  # torchrun: the CM model trains on every process
    collection = build(config)
    if world.leader:
        collection.save(out)
        log.info("wrote the searchable collection to %s", out)


def main(argv: list[str] | None = None) -> int:
    """The `search_index` stage: `python -m slr_lib.collection --out data/search` (or under
    `torchrun --standalone --nproc-per-node N`, training the model on N processes)."""
    return stage_main(
        SearchIndexConfig, into_out(run_stage), prog="search_index",
        description=main.__doc__, out=STAGE_OUT, argv=argv,
    )  # fmt: skip


# -- slr-index ----------------------------------------------------------------------------


def _print_results(results: list[dict[str, Any]]) -> None:
    for hit in results:
        what = hit.get("text") or hit.get("source", "")
        print(f"{hit['rank']:>3}  {hit['score']:+.3f}  {hit['id']}  {what}")


def cli(argv: list[str] | None = None) -> int:
    """slr-index: add your own signing videos to a searchable collection, and search it."""
    parser = argparse.ArgumentParser(prog="slr-index", description=cli.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add videos (MediaPipe keypoints, then the model)")
    add.add_argument("videos", nargs="+", type=Path)
    add.add_argument("--collection", type=Path, default=Path(USER_COLLECTION))
    add.add_argument("--start-from", type=Path, default=Path(STAGE_OUT),
                     help="the collection copied when --collection does not exist yet")  # fmt: skip
    find = commands.add_parser("search", help="rank the collection for a typed sentence")
    find.add_argument("query")
    find.add_argument("-k", type=int, default=10)
    find.add_argument("--method", choices=METHODS, default="CM",
                      help="default CM; your own videos have no SR words")  # fmt: skip
    default = f"{USER_COLLECTION}/ if it exists, else {STAGE_OUT}/"
    find.add_argument("--collection", type=Path, default=None, help=f"default: {default}")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            source = args.collection if args.collection.exists() else args.start_from
            collection = Collection.load(source)
            for video in args.videos:
                name = collection.add_video(video, progress=sys.stderr.isatty())
                print(f"added {name}: {collection.entries[name]['hands_found']} of frames with "
                      "a hand found")  # fmt: skip
            collection.save(args.collection)
            print(f"{args.collection}: {len(collection.index)} videos. {CAVEAT}")
        else:
            folder = args.collection or (
                Path(USER_COLLECTION) if Path(USER_COLLECTION).exists() else Path(STAGE_OUT)
            )
            _print_results(Collection.load(folder).search(args.query, args.k, args.method))
            print(CAVEAT)
    except (OSError, ValueError, ImportError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def search_cli(argv: list[str] | None = None) -> int:
    """slr-search "a sentence": `slr-index search` under a shorter name."""
    return cli(["search", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
