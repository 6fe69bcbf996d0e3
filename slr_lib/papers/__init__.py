"""The source papers' tables and figures, each number once, exactly as printed.

One module per paper (`spot_align`, `spot_align_supplement`, `seds`, `eccv2022_oslwl`) holds
its tables as `PaperTable` constants named after them (`TABLE_2`, `TABLE_A1`, `FIG_4`);
`registry` lists them all for the book. Import the paper module you quote, not this package.
"""
