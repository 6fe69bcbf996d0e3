"""The same numerical kernels on every x86-64 machine: each stage runs the AVX2 code paths.

NumPy, OpenBLAS, MKL, oneDNN and PyTorch each choose their kernels for the CPU they find. On a
machine with AVX-512 they take other code paths than on one with AVX2 alone, and the results
differ in the last bits: NumPy's float32 `exp`, the summation order of a matrix product. Small as
they are, such differences are enough to move a simulated corpus and every trained number
downstream; they are one candidate for the corpus that differed by a few bytes between two
machines (`book/reproduce.md`, "Same seed, same numbers; other machines, other numbers").

`slr-timed` therefore starts every stage with the variables below, which cap each library at its
AVX2 kernels, on any x86-64 machine whose CPU has AVX2 and FMA. On such a machine without
AVX-512 they change nothing (`tests/pipeline/test_kernels.py` checks matrix products, a
convolution and `exp` bit for bit); on one with AVX-512 they are meant to make it compute as the
former does (not yet checked on such a machine). A value
the user has set in the environment is kept. Elsewhere (ARM, or an x86 CPU without AVX2)
nothing is set, and numbers may differ from those committed.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from pathlib import Path

#: Each library's setting for its AVX2 kernels.
AVX2_KERNELS = {
    "MKL_CBWR": "AVX2",  # MKL's conditional numerical reproducibility branch
    "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's own vectorised operators
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN (PyTorch's convolutions)
    "OPENBLAS_CORETYPE": "Haswell",  # OpenBLAS (NumPy's and SciPy's matrix products)
    "NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR",  # NumPy's dispatched loops
}
#: CPU flags the AVX2 kernels need.
NEEDED_FLAGS = frozenset({"avx2", "fma"})
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The first processor's flags in `cpuinfo` (empty where it cannot be read)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def can_pin(machine: str | None = None, flags: frozenset[str] | None = None) -> bool:
    """Whether this machine (or the `machine` with `flags` given) runs the AVX2 kernels."""
    machine = machine or platform.machine()
    flags = cpu_flags() if flags is None else flags
    return machine == "x86_64" and flags >= NEEDED_FLAGS


def pinned_environment(environ: Mapping[str, str], pin: bool | None = None) -> dict[str, str]:
    """`environ` with the AVX2 settings added where `pin` (default: `can_pin()`); the values
    `environ` already has are kept."""
    if not (can_pin() if pin is None else pin):
        return dict(environ)
    return {**AVX2_KERNELS, **environ}


def kernels_label(environ: Mapping[str, str]) -> str:
    """The label of the timing file: "avx2" where `environ` pins PyTorch to its AVX2 kernels,
    else "native"."""
    return "avx2" if environ.get("ATEN_CPU_CAPABILITY", "").lower() == "avx2" else "native"
