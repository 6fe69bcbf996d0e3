"""Reading pickles from data files without running code: a restricted unpickler.

`pickle.load` rebuilds any object a file names, and so runs whatever code a crafted file asks
for. Data files (feature pickles, challenge tables) need only plain containers, numbers,
strings, NumPy arrays and scalars, and, for the PHOENIX-2014T features, PyTorch tensors. The
unpickler here rebuilds those and refuses every other type with `pickle.UnpicklingError`
naming it. A tensor's storage arrives as bytes written by `torch.save`; they are read by
`torch.load(..., weights_only=True)`, PyTorch's own restricted loader, never by plain pickle.
"""

from __future__ import annotations

import io
import pickle
from typing import IO, Any

ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("builtins", name)
        for name in ("dict", "list", "tuple", "set", "frozenset", "int", "float", "complex",
                     "str", "bytes", "bool", "slice")
    }
    | {("collections", "OrderedDict"), ("numpy", "dtype"), ("numpy", "ndarray")}
    | {
        (f"numpy.{core}.{module}", name)
        for core in ("core", "_core")
        for module, name in (("multiarray", "_reconstruct"), ("multiarray", "scalar"),
                             ("numeric", "_frombuffer"))
    }
    | {("torch._utils", "_rebuild_tensor_v2")}
)  # fmt: skip
"""(module, name) of every type or function a data pickle may name."""
TORCH_STORAGE = ("torch.storage", "_load_from_bytes")
"""How a pickled tensor names its storage; read by `_storage_from_bytes` instead."""


def _storage_from_bytes(data: bytes) -> Any:
    """A tensor storage from the bytes `torch.save` wrote, through PyTorch's restricted loader."""
    import torch

    return torch.load(io.BytesIO(data), weights_only=True)


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds only the types in `ALLOWED` (and tensor storages)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == TORCH_STORAGE:
            return _storage_from_bytes
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: data pickles may hold only containers, "
                "numbers, strings, NumPy arrays and PyTorch tensors"
            )
        return super().find_class(module, name)


def load(handle: IO[bytes]) -> Any:
    """The object in an open binary pickle stream, rebuilt by `RestrictedUnpickler`."""
    return RestrictedUnpickler(handle).load()
