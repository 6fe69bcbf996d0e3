"""Training loops for the book's models."""
