"""One logging configuration for the library, the stages and the notebooks."""

from __future__ import annotations

import logging
import os

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def get_logger(name: str) -> logging.Logger:
    """A logger under the `slr_lib` hierarchy, configured on first use."""
    configure()
    return logging.getLogger(name if name.startswith("slr_lib") else f"slr_lib.{name}")


def configure(level: str | int | None = None) -> None:
    """Send `slr_lib` logs to stderr at `level` (default: $SLR_LOG_LEVEL or INFO), once."""
    root = logging.getLogger("slr_lib")
    if level is None:
        level = os.environ.get("SLR_LOG_LEVEL", "INFO")
    root.setLevel(level)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT, datefmt="%H:%M:%S"))
        root.addHandler(handler)
        root.propagate = False
