"""Models, data code and metrics for the sign language retrieval book."""

__version__ = "0.1.0"
