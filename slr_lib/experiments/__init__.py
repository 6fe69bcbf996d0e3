"""One module per chapter: its typed config (`Config`, the chapter's section of params.yaml),
`run(config) -> results` that trains and evaluates, and `claims(results)` that tests the papers'
claims through `slr_lib.verdicts`. Notebooks load, call, show and write; they hold no experiment.
"""
