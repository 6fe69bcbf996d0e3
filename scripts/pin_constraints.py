"""Write constraints.txt: the exact version of every package the project environment holds.

Run it (`make constraints`) after upgrading a package on purpose; local version labels such as
torch's `+cpu` are dropped, so the pin also admits the same release from another index.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HEADER = """\
# The book's tested environment: exact versions for scripts/setup_env.sh (pip -c).
# pyproject.toml keeps the lower bounds a library user needs; this file pins what the book
# ran with, so two fresh clones build the same corpus and train with the same code.
# Refresh: make constraints (then run the tests and commit it with the results it changed).
"""


def pins() -> list[str]:
    """`name==version` of every installed distribution but the editable project, sorted."""
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    lines = [re.sub(r"\+[\w.]+$", "", line) for line in frozen.splitlines() if "==" in line]
    return sorted(lines, key=str.lower)


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "constraints.txt"
    pinned = pins()
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(HEADER + "\n".join(pinned) + "\n")
    os.replace(partial, target)
    print(f"{target}: {len(pinned)} pins")


if __name__ == "__main__":
    main()
