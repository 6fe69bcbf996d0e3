"""Independent training runs side by side: one forked process per CPU core, one thread each.

Every stage runs its numerical libraries on one thread and `dvc repro` runs one stage at a time,
so on a 2-core machine one core would idle. The runs of a chapter (seeds, variants) are
independent: each seeds everything it draws from when it starts, so its result does not depend
on which process runs it or on the runs before it. `map_runs` hands them to worker processes
forked from the caller (the data already loaded are shared, not copied or pickled) and returns
their results in order, identical to running them one after the other (a test checks it).

How many processes: `SLR_WORKERS` if set, else the CPU cores this process may use. One (in this
process) where forking is unsafe or unhelpful: the caller runs its libraries on more than one
thread (a notebook opened by hand), a CUDA device is present (runs go to it one after the
other), the process is one of a `torchrun` group, or there is only one run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

import torch

from slr_lib.trainer import distributed

R = TypeVar("R")
WORKERS_VAR = "SLR_WORKERS"

_TASK: Callable[[int], object] | None = None  # the run function the forked workers call


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(runs: int) -> int:
    """How many processes `map_runs` uses for `runs` runs (see the module's docstring)."""
    wanted = os.environ.get(WORKERS_VAR, "").strip()
    if wanted:
        try:
            count = int(wanted)
        except ValueError:
            raise ValueError(f"{WORKERS_VAR} must be a whole number, got {wanted!r}") from None
        if count < 1:
            raise ValueError(f"{WORKERS_VAR} must be at least 1, got {count}")
    else:
        count = cores()
    unsafe = (
        torch.get_num_threads() > 1
        or torch.cuda.is_available()
        or distributed.current_world().distributed
        or "fork" not in multiprocessing.get_all_start_methods()
    )
    return 1 if unsafe else max(1, min(count, runs))


def _call(index: int) -> object:
    assert _TASK is not None, "map_runs' task is set before the workers fork"
    return _TASK(index)


def map_runs(run: Callable[[int], R], n: int, workers: int | None = None) -> list[R]:
    """`[run(0), ..., run(n - 1)]`, computed by `workers` forked processes (by default
    `worker_count(n)`); results cross back by pickle, so return tensors and plain data."""
    global _TASK
    count = worker_count(n) if workers is None else workers
    if count <= 1:
        return [run(i) for i in range(n)]
    _TASK = run
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            return list(pool.map(_call, range(n)))
    finally:
        _TASK = None
