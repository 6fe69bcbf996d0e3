"""`map_runs`: results in order whatever the number of processes; when it stays in-process."""

from __future__ import annotations

import os

import pytest
import torch

from slr_lib.trainer import parallel
from slr_lib.trainer.parallel import map_runs, worker_count

pytestmark = pytest.mark.usefixtures("one_thread")


def test_runs_come_back_in_order_from_other_processes(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VAR, "2")
    data = torch.arange(10.0)  # loaded before the fork: the workers read it, nothing is sent

    def run(index: int) -> tuple[int, float, int]:
        return index, float(data[index] ** 2), os.getpid()

    found = map_runs(run, 5)
    assert [(i, v) for i, v, _ in found] == [(i, float(i * i)) for i in range(5)]
    assert os.getpid() not in {pid for *_, pid in found}, "the runs left this process"
    assert parallel._TASK is None


def test_one_worker_runs_in_this_process(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VAR, "1")
    assert {pid for pid in map_runs(lambda i: os.getpid(), 3)} == {os.getpid()}


def test_how_many_workers(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VAR, "4")
    assert worker_count(3) == 3 and worker_count(1) == 1
    monkeypatch.delenv(parallel.WORKERS_VAR)
    assert worker_count(100) == min(100, parallel.cores())
    torch.set_num_threads(2)  # a notebook opened by hand: its own threads, no fork
    assert worker_count(100) == 1


@pytest.mark.parametrize("value", ["0", "two"])
def test_a_bad_worker_count_is_refused(monkeypatch, value):
    monkeypatch.setenv(parallel.WORKERS_VAR, value)
    with pytest.raises(ValueError, match="SLR_WORKERS"):
        worker_count(2)


def test_an_error_in_a_run_reaches_the_caller(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VAR, "2")

    def run(index: int) -> int:
        if index == 1:
            raise ValueError("run 1 failed")
        return index

    with pytest.raises(ValueError, match="run 1 failed"):
        map_runs(run, 3)
