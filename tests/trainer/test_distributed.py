"""Two processes under torchrun (gloo, CPU) train the CM and SEDS models that one process does
on the same global batches, within float tolerance."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from slr_lib.trainer import distributed
from tests.conftest import ROOT
from tests.trainer import ddp_worker

# Largest difference allowed after the steps: the processes sum in another order than one process
# does. SEDS is compared by what it computes (its losses and similarities), not weight by weight:
# an attention key's bias has no effect on the softmax, so its gradient is zero up to rounding,
# and Adam, which divides by the gradient's scale, turns that rounding into steps of +-lr.
TOLERANCE = 1e-5


def test_in_a_world_of_one_nothing_is_gathered_or_wrapped():
    world = distributed.current_world()
    assert world == distributed.World() and world.leader and not world.distributed
    x = torch.randn(5, 3, requires_grad=True)
    assert distributed.gather_rows(x, world) is x and distributed.gather_padded(x, world) is x
    model = nn.Linear(2, 2)
    assert distributed.wrap(model, world, torch.device("cpu")) is model
    index = np.arange(13)
    assert [len(distributed.World(r, 2).shard(index)) for r in (0, 1)] == [7, 6]
    assert np.concatenate([distributed.World(r, 2).shard(index) for r in (0, 1)]).tolist() == list(
        range(13)
    )


def test_the_cpu_batchnorm_keeps_batchnorms_state_dict_and_eval_behaviour():
    layer = nn.BatchNorm1d(4)
    layer.running_mean += 1.0
    synced = distributed.sync_batchnorm(nn.Sequential(layer), torch.device("cpu"))
    assert isinstance(synced[0], distributed.AllReduceBatchNorm1d)
    x = torch.randn(6, 4)
    reference = nn.BatchNorm1d(4)
    reference.load_state_dict(synced[0].state_dict())
    for mode in (True, False):  # no process group: BatchNorm1d itself
        synced.train(mode), reference.train(mode)
        assert torch.equal(synced(x), reference(x))


@pytest.mark.usefixtures("one_thread")
def test_two_processes_train_the_models_one_process_does(corpus_dir, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc-per-node", "2", str(ROOT / "tests/trainer/ddp_worker.py"),
               corpus_dir, str(tmp_path)]  # fmt: skip
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    together = torch.load(tmp_path / "ddp.pt", weights_only=False)
    alone = ddp_worker.train_both(corpus_dir)
    for name, value in alone["cm"].items():
        diff = float((together["cm"][name].double() - value.double()).abs().max())
        assert diff < TOLERANCE, f"CM {name}: {diff:.2e}"
    for key in ("cm_sims", "seds_loss", "seds_sims"):
        np.testing.assert_allclose(together[key], alone[key], atol=TOLERANCE, err_msg=key)
