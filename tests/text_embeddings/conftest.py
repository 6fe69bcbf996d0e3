"""Fixtures for the text-embedder tests: tiny corpora and the slr_lib warnings."""

from __future__ import annotations

import logging

import pytest

TRAIN = [
    "First, cut the onions into thin slices.",
    "Then put the onions in a hot pan with some oil.",
    "Stir the onions until they turn golden brown.",
    "Add 2 cloves of garlic and stir again.",
    "A well-known trick is to add a pinch of salt.",
    "Now the sauce is ready to serve.",
]


@pytest.fixture
def train_texts() -> list[str]:
    return list(TRAIN)


def unknown_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "unknown" in record.getMessage()
    ]
