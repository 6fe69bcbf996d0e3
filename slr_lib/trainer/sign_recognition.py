"""Training and evaluating the sign-recognition model on spotting windows (SPOT-ALIGN B.2).

As in the paper: SGD with momentum 0.9, learning rate 1e-2 divided by 10 late in training (the
paper: 25 epochs, drop at epoch 20, batch size 4), random 16-frame crops of each window, and
augmentation (here on pose features: mirroring, scaling, shifts, noise; the paper's colour
jitter and crops act on RGB). Epochs and batch size are parameters for the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from slr_lib.data_loader.retrieval import batches
from slr_lib.data_loader.sign_windows import WindowSet, augment, random_crops
from slr_lib.model.sign_recognition import SignRecognizer
from slr_lib.pipeline.timing import timed
from slr_lib.trainer import optimisers
from slr_lib.trainer.crossmodal import pick_device, seed_everything


@dataclass(frozen=True)
class SignTrainConfig:
    """Optimisation settings of one sign-recognition training."""

    epochs: int = 10
    batch_size: int = 64
    lr: float = 1e-2
    momentum: float = 0.9
    lr_drop: float = 0.8  # share of the epochs after which the learning rate is divided by 10
    weight_decay: float = 1e-4
    width: int = 128
    embed_dim: int = 256
    dropout: float = 0.3
    augment: bool = True
    seed: int = 0
    device: str | None = None


def _input_stats(windows: WindowSet) -> tuple[np.ndarray, np.ndarray]:
    valid = np.arange(windows.frames.shape[1])[None, :] < windows.lengths[:, None]
    frames = windows.frames[valid]
    return frames.mean(axis=0), frames.std(axis=0)


def new_model(windows: WindowSet, n_classes: int, config: SignTrainConfig) -> SignRecognizer:
    """A randomly initialised model whose input statistics are those of `windows`."""
    model = SignRecognizer(
        windows.frames.shape[2], n_classes, config.width, config.embed_dim, config.dropout
    )
    model.set_input_stats(*(torch.from_numpy(s) for s in _input_stats(windows)))
    return model


def start_model(
    windows: WindowSet, n_classes: int, config: SignTrainConfig, init: SignRecognizer | None
) -> SignRecognizer:
    """The model a training starts from: `init`'s trunk with a new classifier, or a fresh one."""
    if len(windows) == 0:
        raise ValueError("no training windows: the spotting produced no annotations")
    if windows.labels.max() >= n_classes:
        raise ValueError(f"labels go up to {windows.labels.max()} but n_classes={n_classes}")
    return init.with_classes(n_classes) if init else new_model(windows, n_classes, config)


def sgd_schedule(
    model: nn.Module, config: SignTrainConfig
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """SGD with momentum, and its schedule: learning rate / 10 after `lr_drop` of the epochs."""
    optimiser = optimisers.sgd(
        model.parameters(), lr=config.lr, momentum=config.momentum,
        weight_decay=config.weight_decay,
    )  # fmt: skip
    drop_at = max(1, int(round(config.lr_drop * config.epochs)))
    return optimiser, torch.optim.lr_scheduler.MultiStepLR(optimiser, [drop_at], gamma=0.1)


def training_crops(
    windows: WindowSet, index: np.ndarray, config: SignTrainConfig, rng: np.random.Generator
) -> np.ndarray:
    """Random 16-frame crops (B, 16, F) of the windows in `index`, augmented if configured."""
    crops = random_crops(windows, index, rng)
    return augment(crops, rng) if config.augment else crops


@timed("sign recogniser")
def train_sign_recognizer(
    windows: WindowSet,
    n_classes: int,
    config: SignTrainConfig,
    init: SignRecognizer | None = None,
    desc: str = "sign recognition",
) -> tuple[SignRecognizer, list[dict[str, float]]]:
    """Train on `windows` (labels < n_classes); `init` gives the trunk, with a new classifier."""
    seed_everything(config.seed)
    rng = np.random.default_rng(config.seed)
    device = pick_device(config.device)
    model = start_model(windows, n_classes, config, init).to(device)
    optimiser, scheduler = sgd_schedule(model, config)
    loss_fn, history = nn.CrossEntropyLoss(), []
    for epoch in tqdm(range(config.epochs), desc=desc, leave=False):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for index in batches(len(windows), config.batch_size, rng):
            if len(index) < 2:  # batch norm needs two samples
                continue
            x = torch.from_numpy(training_crops(windows, index, config, rng)).to(device)
            y = torch.from_numpy(windows.labels[index]).long().to(device)
            logits = model(x)
            loss = loss_fn(logits, y)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(index)
            correct += int((logits.argmax(1) == y).sum())
            seen += len(index)
        scheduler.step()
        history.append(
            {"epoch": epoch + 1, "loss": total / max(seen, 1), "train_acc": correct / max(seen, 1)}
        )
    return model.cpu().eval(), history


@torch.no_grad()
def window_logits(model: SignRecognizer, crops: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """Class logits (N, C) of 16-frame crops (N, 16, F)."""
    model.eval()
    out = [
        model(torch.from_numpy(np.ascontiguousarray(crops[i : i + batch_size]))).numpy()
        for i in range(0, len(crops), batch_size)
    ]
    return np.concatenate(out) if out else np.zeros((0, model.n_classes), np.float32)


def topk_accuracy(logits: np.ndarray, labels: np.ndarray, ks: tuple[int, ...] = (1, 5)) -> dict:
    """Top-k accuracy in percent for each k (k capped at the number of classes)."""
    if len(labels) == 0:
        raise ValueError("no test samples")
    order = np.argsort(-logits, axis=1)
    return {
        f"top{k}": float(100 * (order[:, :k] == labels[:, None]).any(axis=1).mean()) for k in ks
    }
