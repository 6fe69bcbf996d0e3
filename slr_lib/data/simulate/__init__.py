"""The simulated signing corpus: the embedded default data of the book (see `generate`)."""
