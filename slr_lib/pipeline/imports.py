"""Which files of `slr_lib` a module or a notebook needs, followed through its imports."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "slr_lib"


def module_file(root: Path, module: str) -> str | None:
    """The file (relative to `root`) of a dotted `slr_lib` module or package, if it exists.

    A package whose `__init__.py` holds only a docstring has no file here: it runs no code.
    """
    parts = module.split(".")
    package = root.joinpath(*parts)
    if package.is_dir():
        init = package / "__init__.py"
        has_code = init.is_file() and _runs_code(init.read_text())
        return init.relative_to(root).as_posix() if has_code else None
    path = package.with_suffix(".py")
    return path.relative_to(root).as_posix() if path.is_file() else None


def _runs_code(source: str) -> bool:
    """Whether a module holds anything besides its docstring."""
    body = ast.parse(source).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def imported_modules(source: str) -> set[str]:
    """Dotted `slr_lib` names that `source` imports (a `from a import b` gives `a` and `a.b`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _parents(module: str) -> Iterable[str]:
    """Importing `a.b.c` runs `a/__init__`, `a/b/__init__` too."""
    parts = module.split(".")
    return (".".join(parts[:i]) for i in range(1, len(parts)))


def closure(root: Path, sources: Iterable[str]) -> list[str]:
    """Sorted `slr_lib` files that the given sources need, directly or through each other."""
    found: set[str] = set()
    pending = list(sources)
    while pending:
        for name in imported_modules(pending.pop()):
            for module in (*_parents(name), name):
                path = module_file(root, module)
                if path is not None and path not in found:
                    found.add(path)
                    pending.append((root / path).read_text())
    return sorted(found)


def notebook_source(path: Path) -> str:
    """The code cells of a notebook as one source text (magics and shell lines left out)."""
    cells = json.loads(path.read_text())["cells"]
    lines = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return "\n".join(lines)


def module_source(root: Path, module: str) -> str:
    """The source of a dotted module, plus an import line so the module itself is included."""
    path = module_file(root, module)
    if path is None:
        raise FileNotFoundError(f"no file for module {module!r} under {root}")
    return f"import {module}\n" + (root / path).read_text()
