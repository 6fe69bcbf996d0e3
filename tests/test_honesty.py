"""The simulator and the methods share no code or constants beyond the public data model.

The book's verdicts must come from the methods, not from how the simulated corpus was drawn.

- **Methods** are every module of `slr_lib/spotting/`, `slr_lib/model/`, `slr_lib/trainer/`,
  `slr_lib/experiments/` and `slr_lib/text_embeddings/`, and `slr_lib/recognised_words.py`.
- **The simulator** is `slr_lib/data/simulate/`.
- **The public data model** that both may use is everything else under `slr_lib/data/` (the
  corpus format `corpus.py`, the keypoint layout `layout.py`, pose files, real-data readers),
  plus plain utilities (`slr_lib/text.py`, configuration, logging, paths).

Checks:

1. Following imports transitively (`slr_lib.pipeline.imports.closure`), no method reaches the
   simulator. One documented exception (`ALLOWED`): the data chapter's experiment may read the
   corpus's knob schema (`simulate/params.py`) to list the knobs and which were calibrated; that
   module holds no table and imports nothing else of the simulator, which check 1 still follows.
2. Named numeric tables: no module-level numeric table of the simulator (a dict, tuple, list or
   numpy array of numbers) is imported by name, redefined under its name, or duplicated by value
   (the whole table, or any row of three or more numbers) anywhere a method reaches.
3. Shared utilities (modules outside `slr_lib/data/` reached by both the simulator and a
   method, such as `slr_lib/text.py`) define no numeric table: a table there would be a constant
   both sides share. The data model's own tables (keypoint indices, limb lists) are public.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from slr_lib.pipeline.imports import closure

ROOT = Path(__file__).resolve().parents[1]
SIMULATOR = "slr_lib/data/simulate/"
METHODS = (
    "slr_lib/spotting/*.py", "slr_lib/model/*.py", "slr_lib/trainer/*.py",
    "slr_lib/experiments/*.py", "slr_lib/text_embeddings/*.py", "slr_lib/recognised_words.py",
)  # fmt: skip
# method file -> simulator files it may reach, and why
ALLOWED = {
    "slr_lib/experiments/data.py": {
        "slr_lib/data/simulate/params.py": "the data chapter lists the corpus knobs it documents",
    },
}
PUBLIC_DATA_MODEL = "slr_lib/data/"  # outside SIMULATOR: the corpus format, layout, readers
TRIVIAL = {0.0, 1.0, -1.0, 0.5}  # rows made only of these are not evidence of a copy
MIN_NUMBERS = 3


def _method_files() -> list[str]:
    found = {p for pattern in METHODS for p in ROOT.glob(pattern)}
    return sorted(p.relative_to(ROOT).as_posix() for p in found)


def _reached(path: str) -> list[str]:
    """`slr_lib` files that one file needs, itself included."""
    return sorted({path, *closure(ROOT, [(ROOT / path).read_text()])})


# ----------------------------------------------------------------------------- numeric tables


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _rows(node: ast.AST) -> list[tuple[float, ...]] | None:
    """A purely numeric literal as rows of numbers (a flat sequence is one row); None if not."""
    if isinstance(node, ast.Call) and node.args:  # np.array([...]) and the like
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        return _rows(node.args[0]) if name in ("array", "asarray") else None
    if isinstance(node, ast.Dict):
        values = node.values
    elif isinstance(node, (ast.Tuple, ast.List)):
        values = node.elts
    else:
        return None
    if not values:
        return None
    numbers = [_number(v) for v in values]
    if all(n is not None for n in numbers):
        return [tuple(round(n, 9) for n in numbers)]  # type: ignore[arg-type]
    rows = []
    for value in values:
        inner = _rows(value)
        if inner is None:
            return None
        rows.extend(inner)
    return rows


@dataclass(frozen=True)
class Table:
    """A numeric literal: where it is, its name (module-level tables), and its rows."""

    path: str
    name: str
    rows: tuple[tuple[float, ...], ...]

    @property
    def flat(self) -> tuple[float, ...]:
        return tuple(x for row in self.rows for x in row)

    def telling_rows(self) -> set[tuple[float, ...]]:
        """Rows long and particular enough that a copy of one is no coincidence."""
        return {r for r in self.rows if len(r) >= MIN_NUMBERS and not set(r) <= TRIVIAL}


def module_tables(path: str, source: str | None = None) -> list[Table]:
    """Module-level assignments of numeric tables (at least MIN_NUMBERS numbers)."""
    tree = ast.parse((ROOT / path).read_text() if source is None else source)
    out = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        rows = _rows(value)
        if rows is None or sum(map(len, rows)) < MIN_NUMBERS:
            continue
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        out.extend(Table(path, name, tuple(rows)) for name in names)
    return out


def literal_tables(path: str, source: str | None = None) -> list[Table]:
    """Every numeric literal of a module, at any depth (the outermost of nested ones)."""
    tree = ast.parse((ROOT / path).read_text() if source is None else source)
    out, inside = [], set()
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        rows = _rows(node)
        if rows is None or sum(map(len, rows)) < MIN_NUMBERS:
            continue
        inside.update(id(child) for child in ast.walk(node))
        out.append(Table(path, "", tuple(rows)))
    return out


def imported_names(source: str) -> set[str]:
    """Names a module imports with `from ... import name`, and names it assigns at top level."""
    names = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.name for alias in node.names)
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def copies(simulator: list[Table], path: str, source: str | None = None) -> list[str]:
    """How a module takes the simulator's tables: by name, by whole value, or by a row."""
    text = (ROOT / path).read_text() if source is None else source
    problems = []
    names = imported_names(text)
    for table in simulator:
        if table.name in names:
            problems.append(f"{path} uses the name {table.name} ({table.path})")
    for literal in literal_tables(path, text):
        for table in simulator:
            if literal.flat == table.flat:
                problems.append(f"{path} holds a copy of {table.name} ({table.path})")
            elif shared := literal.telling_rows() & table.telling_rows():
                problems.append(
                    f"{path} holds rows {sorted(shared)} of {table.name} ({table.path})"
                )
    return problems


@pytest.fixture(scope="module")
def simulator_tables() -> list[Table]:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / SIMULATOR).glob("*.py"))
    return [t for path in files for t in module_tables(path)]


@pytest.fixture(scope="module")
def reached_by_methods() -> dict[str, list[str]]:
    return {path: _reached(path) for path in _method_files()}


# ----------------------------------------------------------------------------- tests


def test_methods_do_not_reach_the_simulator(reached_by_methods):
    assert len(reached_by_methods) > 20  # the patterns still find the methods
    problems = []
    for method, files in reached_by_methods.items():
        allowed = ALLOWED.get(method, {})
        problems += [
            f"{method} -> {f}" for f in files if f.startswith(SIMULATOR) and f not in allowed
        ]
    assert not problems, "methods that reach the simulator:\n" + "\n".join(problems)


def test_allowed_simulator_files_hold_no_table_and_import_no_simulator():
    for allowed in ALLOWED.values():
        for path in allowed:
            assert module_tables(path) == []
            assert not [
                f for f in closure(ROOT, [(ROOT / path).read_text()]) if f.startswith(SIMULATOR)
            ]


def test_the_simulators_numeric_tables_are_found(simulator_tables):
    names = {t.name for t in simulator_tables}
    assert "VISEME_SHAPES" in names  # the renderer's mouth shapes live in the simulator
    assert all(t.path.startswith(SIMULATOR) for t in simulator_tables)


def test_methods_hold_no_simulator_table(simulator_tables, reached_by_methods):
    reached = sorted({f for files in reached_by_methods.values() for f in files})
    problems = [p for path in reached if not path.startswith(SIMULATOR)
                for p in copies(simulator_tables, path)]  # fmt: skip
    assert not problems, "\n".join(problems)


def test_shared_utilities_hold_no_numeric_table(reached_by_methods):
    by_simulator = {
        f
        for p in (ROOT / SIMULATOR).glob("*.py")
        for f in _reached(p.relative_to(ROOT).as_posix())
        if not f.startswith(SIMULATOR)
    }
    by_methods = {f for files in reached_by_methods.values() for f in files}
    shared = sorted(by_simulator & by_methods)
    assert "slr_lib/text.py" in shared and "slr_lib/data/corpus.py" in shared
    utilities = [f for f in shared if not f.startswith(PUBLIC_DATA_MODEL)]
    tables = [(t.path, t.name) for path in utilities for t in module_tables(path)]
    assert not tables, f"numeric tables in modules both sides use: {tables}"


def test_the_checks_catch_a_planted_copy(simulator_tables):
    shapes = next(t for t in simulator_tables if t.name == "VISEME_SHAPES")
    rows = ", ".join(f"{k}: {row}" for k, row in enumerate(shapes.rows))
    planted = f"import numpy as np\n\ndef f():\n    table = {{{rows}}}\n    return table\n"
    assert any("copy of VISEME_SHAPES" in p for p in copies(simulator_tables, "x.py", planted))
    one_row = f"SHAPE = np.array({list(shapes.rows[-1])})\n"
    assert any("rows" in p for p in copies(simulator_tables, "x.py", one_row))
    by_name = "from somewhere import VISEME_SHAPES\n"
    assert copies(simulator_tables, "x.py", by_name)
    reach = closure(
        ROOT, ["from slr_lib.spotting import mouthing\nimport slr_lib.data.simulate.body\n"]
    )
    assert "slr_lib/data/simulate/body.py" in reach
