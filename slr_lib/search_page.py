"""The book's search box: a searchable collection exported for the browser (`search_page` stage).

`python -m slr_lib.search_page --out book/_search` writes, from the search_index stage's
collection (`slr_lib.collection`, `data/search`), what the page needs to rank the collection's
videos for a typed sentence with no server and no kernel. Everything lands in
`book/_search/search/`, which the book publishes as `_static/search/`:

* `text_branch.onnx`: the CM model's text branch, Llama 2 token ids -> unit-norm embedding:
  WordLlama's table (float16, as the wheel ships it; the Python side casts the same values to
  float32), then NetVLAD and the Gated Embedding Unit. The page runs it with onnxruntime-web.
* `tokenizer.json`: WordLlama's tokenizer file, unchanged; the page runs it with tokenizers.js
  (`@huggingface/tokenizers`), which gives the ids of the Rust `tokenizers` library.
* `lemmas.json`: SR's lemma table (`slr_lib.search_text`), the one the Python search reads.
* `videos.f32`: the (n, C) video embeddings, little-endian float32, in the entries' order.
* `collection.json`: the entries (id, subtitle, recognised words), the methods, SR's threshold
  and fusion weight, and the caveat that the model was trained on the simulated corpus.
* `strips/N.png`: a filmstrip of entry N's poses.

The export checks itself before anything is written: the ONNX text branch must give the
Python model's query embeddings (every entry's text, within 1e-5), or the stage fails.
The page's own code is `book/_js/slr-search.js`; `tests/test_pipeline_book.py` checks its
rankings against `Collection.scores` in headless Chromium.
"""

from __future__ import annotations

import io
import json
import shutil
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch import Tensor, nn

from slr_lib.atomic import replacing_folder
from slr_lib.collection import CAVEAT, Collection
from slr_lib.config import SectionConfig, knob
from slr_lib.data import layout
from slr_lib.data.corpus import Corpus
from slr_lib.data.plots import skeleton_edges
from slr_lib.data.posefile import read_pose_file
from slr_lib.logging_setup import get_logger
from slr_lib.paths import project_path
from slr_lib.pipeline.stage_cli import into_out, stage_main
from slr_lib.text_embeddings.wordllama import CONFIG as WORDLLAMA_CONFIG
from slr_lib.text_embeddings.wordllama import WordLlamaEmbedder

log = get_logger(__name__)

BUNDLE = "search"  # the folder under --out: published as _static/search/
FORMAT = 1
TOLERANCE = 1e-5  # ONNX against PyTorch, per embedding component
EDGES = tuple(skeleton_edges())


@dataclass(frozen=True)
class SearchPageConfig(SectionConfig):
    """The `search_page` section: which collection, and how its filmstrips look."""

    SECTION = "search_page"

    collection_dir: str = knob()  # a collection folder (the search_index stage's)
    corpus_dir: str = knob()  # the corpus whose test videos the collection holds
    k: int = knob(ge=1)  # results the box shows
    strip_frames: int = knob(ge=1)  # frames per filmstrip
    strip_height: int = knob(ge=16)  # pixels


class TextBranch(nn.Module):
    """Token ids (T,) -> the CM text embedding (C,): table rows, then the text encoder."""

    def __init__(self, table: np.ndarray, encoder: nn.Module) -> None:
        super().__init__()
        self.register_buffer("table", torch.from_numpy(np.ascontiguousarray(table)))
        self.encoder = encoder

    def forward(self, ids: Tensor) -> Tensor:
        return self.encoder(self.table[ids].float()[None], None)[0]


def half_table(embedder: WordLlamaEmbedder) -> np.ndarray:
    """The embedder's table as the float16 it was read from (refused if that loses anything)."""
    table = embedder.inference.embedding[:, : embedder.dim]
    half = table.astype(np.float16)
    if not np.array_equal(half.astype(np.float32), table):
        raise ValueError("the WordLlama table is not exactly float16: it cannot be exported")
    return half


def token_ids(embedder: WordLlamaEmbedder, text: str) -> np.ndarray:
    """The ids the embedder looks up for `text` (stripped, no special tokens added)."""
    return embedder.inference.tokenize([text.strip()])[0].ids


def export_text_branch(collection: Collection, path: Path) -> None:
    """Write the ONNX text branch and check it against the collection's own query embeddings."""
    embedder = collection.embedder
    if not isinstance(embedder, WordLlamaEmbedder):
        raise ValueError(
            f"the search box needs WordLlama's static token table; this collection embeds text "
            f"with {embedder.name!r} (set search_index.embedding: wordllama)"
        )
    branch = TextBranch(half_table(embedder), collection.model.text_encoder).eval()
    example = torch.as_tensor(token_ids(embedder, "a sentence to trace"), dtype=torch.int64)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        torch.onnx.export(
            branch, (example,), str(path), dynamo=False, opset_version=17,
            input_names=["ids"], output_names=["embedding"], dynamic_axes={"ids": {0: "tokens"}},
        )  # fmt: skip
    check_text_branch(collection, path, [entry_text(e) for e in collection.entries.values()])


def check_text_branch(collection: Collection, path: Path, texts: list[str]) -> float:
    """The largest difference between the ONNX branch's and the model's embeddings of `texts`."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for text in (t for t in texts if t.strip()):
        ids = np.asarray(token_ids(collection.embedder, text), dtype=np.int64)
        got = session.run(None, {"ids": ids})[0]
        worst = max(worst, float(np.abs(got - collection.embed_query(text)[0]).max()))
    if worst > TOLERANCE:
        raise RuntimeError(f"{path}: the ONNX text branch differs from PyTorch by {worst:.2e}")
    log.info("ONNX text branch matches PyTorch on %d texts (largest difference %.1e)",
             len(texts), worst)  # fmt: skip
    return worst


def entry_text(entry: dict[str, str]) -> str:
    """What an entry shows: its subtitle, or the file a video of your own came from."""
    return entry.get("text") or Path(entry.get("source", "")).name


def filmstrip_png(data: np.ndarray, confidence: np.ndarray, frames: int, height: int) -> bytes:
    """A PNG row of `frames` evenly spaced skeletons, each `height` pixels square, framed on
    the points seen in them (hands in colour, as in the explorer)."""
    picked = np.unique(np.linspace(0, len(data) - 1, min(frames, len(data))).round().astype(int))
    points, seen = np.asarray(data)[picked, :, :2], np.asarray(confidence)[picked] > 0
    if seen.any():
        low, high = points[seen].min(axis=0), points[seen].max(axis=0)
    else:
        low, high = np.zeros(2), np.ones(2)
    centre, span = (low + high) / 2, max(float((high - low).max()), 1e-6) * 1.1
    pixels = ((points - centre) / span + 0.5) * (height - 1)
    image = Image.new("RGB", (height * len(picked), height), "white")
    draw = ImageDraw.Draw(image)
    for n in range(len(picked)):
        for a, b in EDGES:
            if seen[n, a] and seen[n, b]:
                line = [
                    tuple(pixels[n, a] + (n * height, 0)),
                    tuple(pixels[n, b] + (n * height, 0)),
                ]
                draw.line(line, fill=_colour(a), width=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _colour(point: int) -> str:
    """The colour of the lines from a point: hands orange and green, the rest grey."""
    if layout.LEFT_HAND.start <= point < layout.LEFT_HAND.stop:
        return "#d9730d"
    if layout.RIGHT_HAND.start <= point < layout.RIGHT_HAND.stop:
        return "#2a9d3a"
    return "#555555"


def entry_poses(collection_dir: Path, corpus: Corpus) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Keypoints of every entry: test subtitles from the corpus, added videos from poses/."""
    test = corpus.split_sentences("test")
    poses = {row["sentence_id"]: corpus.sentence_pose(row) for _, row in test.iterrows()}
    for pose_file in sorted((collection_dir / "poses").glob("*.pose")):
        data, confidence, _ = read_pose_file(pose_file)
        poses[pose_file.stem] = (data, confidence)
    return poses


def manifest(collection: Collection, config: SearchPageConfig) -> dict[str, Any]:
    """collection.json: what the page needs besides the model, the vectors and the tables."""
    ids = list(collection.index.ids)
    sr = collection.settings.get("sr") or {}
    return {
        "format": FORMAT,
        "dim": collection.index.dim,
        "ids": ids,
        "texts": [entry_text(collection.entries[i]) for i in ids],
        "words": [collection.words.get(i, []) for i in ids],
        "methods": list(collection.methods),
        "fusion_weight": sr.get("weight"),
        "sr_threshold": sr.get("threshold"),
        "recogniser": sr.get("recogniser"),
        "k": config.k,
        "caveat": CAVEAT,
    }


def write_bundle(collection: Collection, config: SearchPageConfig, folder: Path) -> None:
    """Every file of the bundle (module docstring) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    export_text_branch(collection, folder / "text_branch.onnx")
    tokenizer = f"tokenizers/{WORDLLAMA_CONFIG}_tokenizer_config.json"
    shutil.copyfile(str(resources.files("wordllama") / tokenizer), folder / "tokenizer.json")
    collection.lemmas.save(folder / "lemmas.json")
    vectors = collection.index.vectors().astype("<f4")
    (folder / "videos.f32").write_bytes(vectors.tobytes())
    (folder / "collection.json").write_text(json.dumps(manifest(collection, config)))
    corpus = Corpus.load(project_path(config.corpus_dir))
    poses = entry_poses(project_path(config.collection_dir), corpus)
    (folder / "strips").mkdir()
    for n, name in enumerate(collection.index.ids):
        if name in poses:
            png = filmstrip_png(*poses[name], config.strip_frames, config.strip_height)
            (folder / "strips" / f"{n}.png").write_bytes(png)


def run_stage(config: SearchPageConfig, out: Path) -> None:
    collection = Collection.load(project_path(config.collection_dir))
    with replacing_folder(out) as staging:
        write_bundle(collection, config, staging / BUNDLE)
    log.info("wrote the search box's files for %d videos to %s", len(collection.index), out)


def main(argv: list[str] | None = None) -> int:
    """The `search_page` stage: `python -m slr_lib.search_page --out book/_search`."""
    return stage_main(
        SearchPageConfig, into_out(run_stage), prog="search_page",
        description=main.__doc__, out="book/_search", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    import sys

    sys.exit(main())
