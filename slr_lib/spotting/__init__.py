"""Sign spotting: locating signs in continuous signing (mouthing, dictionaries, one-shot)."""
