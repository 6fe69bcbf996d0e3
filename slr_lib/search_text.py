"""The words of a typed query for sign-recognition (SR) search, from a table both searches share.

SR compares the lemmas of a query's words with the words recognised in each video
(`slr_lib.recognised_words`). The chapters lemmatise with lemminflect (`slr_lib.text.lemmatize`);
the search box of the static book cannot run lemminflect, so the searchable collection carries
lemminflect's dictionary as a plain table, and both the Python search path
(`slr_lib.collection`) and the page read it:

* `LemmaTable.from_lemminflect()` maps every lowercase word of lemminflect's dictionary (and
  its overrides) whose lemma differs from the word itself to that lemma, chosen in the order
  `slr_lib.text.lemmatize` uses (verb, noun, adjective, adverb);
* a word not in the table is its own lemma, which is also what lemminflect gives a word it does
  not know.

So `LemmaTable.from_lemminflect().lemma(w) == slr_lib.text.lemmatize(w)` for every lowercase
word (a test checks the whole dictionary), and `query_words` equals
`slr_lib.recognised_words.query_words`. Words come from `slr_lib.text.normalize` (lowercase,
punctuation dropped, numbers spelled out), whose rules the page implements again in JavaScript.
"""

from __future__ import annotations

import json
from pathlib import Path

from slr_lib.text import lemmatize, normalize


class LemmaTable:
    """Word -> lemma for the words whose lemma is not the word itself."""

    def __init__(self, lemmas: dict[str, str]) -> None:
        bad = next((pair for pair in lemmas.items()
                    if not all(isinstance(x, str) and x for x in pair)), None)  # fmt: skip
        if bad is not None:
            raise ValueError(f"a lemma table maps non-empty words to non-empty lemmas, got {bad}")
        self.lemmas = dict(lemmas)

    @classmethod
    def from_lemminflect(cls) -> LemmaTable:
        """lemminflect's dictionary as `slr_lib.text.lemmatize` reads it (module docstring)."""
        from lemminflect.core.Lemmatizer import Lemmatizer

        lemmatizer = Lemmatizer()
        words = {w for w in (*lemmatizer._getLemmaDict(), *lemmatizer._getOverridesDict())
                 if w == w.lower()}  # fmt: skip  # lemminflect looks words up in lowercase
        table = {word: lemmatize(word) for word in sorted(words)}
        return cls({word: lemma for word, lemma in table.items() if lemma != word})

    def __len__(self) -> int:
        return len(self.lemmas)

    def lemma(self, word: str) -> str:
        """The lemma of a lowercase word."""
        return self.lemmas.get(word, word)

    def query_words(self, text: str) -> frozenset[str]:
        """The lemmas of every word of `text` (numbers spelled out, function words kept)."""
        return frozenset(self.lemma(word) for word in normalize(text))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.lemmas, ensure_ascii=False, separators=(",", ":"),
                                   sort_keys=True), encoding="utf-8")  # fmt: skip
        return path

    @classmethod
    def load(cls, path: str | Path) -> LemmaTable:
        """A table `save` wrote; a file that is not one is refused with its name."""
        path = Path(path)
        try:
            lemmas = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValueError(f"{path}: not a lemma table ({err})") from err
        if not isinstance(lemmas, dict):
            raise ValueError(f"{path}: not a lemma table (a JSON object of word -> lemma)")
        try:
            return cls(lemmas)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from err
