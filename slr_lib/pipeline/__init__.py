"""Running the book's chapters as pipeline stages."""
