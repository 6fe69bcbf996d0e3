"""Pinned kernels: every stage runs the AVX2 code paths on x86-64 machines that have them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from slr_lib.pipeline import kernels, timing
from slr_lib.pipeline.timing import StageTiming

AVX2_FLAGS = frozenset({"fpu", "sse2", "avx", "avx2", "fma"})
#: A child that reports the kernels its libraries chose and hashes a few of their results.
PROBE = """
import hashlib, json, sys
import numpy as np, torch
torch.set_num_threads(1)
torch.manual_seed(0)
a, x = torch.randn(150, 257), torch.randn(64, 96, 16)
conv = torch.nn.Conv1d(96, 96, 3, stride=2, padding=1)
r = np.random.default_rng(0).standard_normal(50_000).astype(np.float32)
digest = hashlib.md5()
square = r[:40_000].reshape(200, 200)
for value in (a @ a.T, conv(x).detach(), torch.exp(a), np.exp(r), square @ square):
    digest.update(np.ascontiguousarray(value).tobytes())
from numpy._core._multiarray_umath import __cpu_features__ as found
json.dump({"torch": torch.backends.cpu.get_cpu_capability(), "digest": digest.hexdigest(),
           "numpy_v4": bool(found.get("X86_V4"))}, open(sys.argv[1], "w"))
"""


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\nflags: x\n")
    assert kernels.cpu_flags(info) == {"fpu", "sse2", "avx2", "fma"}
    assert kernels.cpu_flags(tmp_path / "missing") == frozenset()


def test_only_x86_64_with_avx2_and_fma_is_pinned() -> None:
    assert kernels.can_pin("x86_64", AVX2_FLAGS)
    assert not kernels.can_pin("x86_64", AVX2_FLAGS - {"fma"})
    assert not kernels.can_pin("aarch64", AVX2_FLAGS)


def test_settings_are_added_and_the_users_own_are_kept() -> None:
    env = kernels.pinned_environment({"MKL_CBWR": "COMPATIBLE", "HOME": "/h"}, pin=True)
    assert env["MKL_CBWR"] == "COMPATIBLE" and env["HOME"] == "/h"
    assert env["ATEN_CPU_CAPABILITY"] == "avx2" and kernels.kernels_label(env) == "avx2"
    untouched = kernels.pinned_environment({"HOME": "/h"}, pin=False)
    assert untouched == {"HOME": "/h"} and kernels.kernels_label(untouched) == "native"


def _probe(tmp_path: Path, name: str, env: dict[str, str]) -> dict:
    out = tmp_path / f"{name}.json"
    subprocess.run([sys.executable, "-c", PROBE, str(out)], env=env, check=True)
    return json.loads(out.read_text())


@pytest.mark.skipif(not kernels.can_pin(), reason="this machine has no AVX2 kernels to pin")
def test_a_stage_runs_the_avx2_kernels(tmp_path: Path, monkeypatch) -> None:
    for name in kernels.AVX2_KERNELS:
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "kernels.json"
    status = timing.run_timed("probe", [sys.executable, "-c", PROBE, str(out)], tmp_path)
    assert status == 0
    assert StageTiming.read(tmp_path / "probe.json").kernels == "avx2"
    pinned = json.loads(out.read_text())
    assert pinned["torch"] == "AVX2" and not pinned["numpy_v4"]


@pytest.mark.skipif(
    not kernels.can_pin() or "avx512f" in kernels.cpu_flags(),
    reason="the pinned kernels equal the native ones only on an AVX2 machine without AVX-512",
)
def test_on_an_avx2_machine_pinning_changes_no_bit(tmp_path: Path, monkeypatch) -> None:
    env = {k: v for k, v in os.environ.items() if k not in kernels.AVX2_KERNELS}
    native = _probe(tmp_path, "native", {**env, "OMP_NUM_THREADS": "1"})
    pinned = _probe(tmp_path, "pinned", kernels.pinned_environment({**env, "OMP_NUM_THREADS": "1"}))
    assert native["digest"] == pinned["digest"]
    # and the probe can tell kernels apart: PyTorch's baseline kernels give other bits
    baseline = _probe(tmp_path, "baseline", {**env, "OMP_NUM_THREADS": "1",
                                             "ATEN_CPU_CAPABILITY": "default"})  # fmt: skip
    assert baseline["digest"] != native["digest"]
