"""Datasets that pair a corpus's sentences with their sign-video features, for training."""
