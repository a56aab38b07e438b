"""Which text encoding a CSV file is in: detected from its bytes, with a confidence.

UTF-8 (with or without a byte-order mark) and UTF-16 are recognised for certain; the legacy
single-byte encodings (Windows-1252, Mac Roman) decode almost anything, so only the plausibility
of the text they give tells them apart. Below ``CONFIDENT`` the reader refuses to choose
(:class:`EncodingUncertainError`) and the person picks the encoding.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .records import ImportFormatError

# The encodings a UI should offer. Detection only ever answers one of these.
SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1252", "mac_roman")
# Single-byte encodings that decode (almost) any byte string: only the
# plausibility of the resulting text tells them apart.
_LEGACY_ENCODINGS = ("windows-1252", "mac_roman")
# Below this, read_table refuses to pick an encoding and the user must choose.
CONFIDENT = 0.8
# How much of a file is examined to detect its encoding, delimiter and line ending.
SAMPLE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str
    # 0..1; 1.0 when a byte order mark or plain ASCII leaves no doubt.
    confidence: float
    # Other encodings the bytes decode in, most plausible first, for a UI to offer.
    alternatives: tuple[str, ...] = ()

    @property
    def is_confident(self) -> bool:
        return self.confidence >= CONFIDENT


class EncodingUncertainError(ImportFormatError):
    """The encoding could not be detected with confidence; the user must choose it."""

    def __init__(self, guess: EncodingGuess) -> None:
        self.guess = guess
        if guess.alternatives:
            message = _(
                "The text encoding of the file could not be determined with confidence (most likely %(encoding)s; "
                "also possible: %(alternatives)s). Choose the encoding and import the file again."
            ) % {"encoding": guess.encoding, "alternatives": ", ".join(guess.alternatives)}
        else:
            message = _(
                "The text encoding of the file could not be determined with confidence (most likely %(encoding)s). "
                "Choose the encoding and import the file again."
            ) % {"encoding": guess.encoding}
        super().__init__(message)


def detect_encoding(data: bytes) -> str:
    """The most plausible encoding of ``data``; see :func:`guess_encoding` for the doubt."""
    return guess_encoding(data).encoding


def guess_encoding(data: bytes) -> EncodingGuess:
    """Detect the encoding of ``data`` (a whole file or its beginning) from evidence.

    Byte order marks and UTF-8 validity settle most files. Otherwise Windows-1252
    and Mac Roman both decode the bytes, and each decoding is scored on whether
    its non-ASCII characters look like text: ``Equit\\x8e`` is ``Equité`` in Mac
    Roman but ``EquitŽ`` (a capital inside a word) in Windows-1252. The margin
    between the two scores gives the confidence.
    """
    if data.startswith(codecs.BOM_UTF8):
        return EncodingGuess("utf-8-sig", 1.0)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingGuess("utf-16", 1.0)
    if b"\x00" in data:
        raise ImportFormatError(
            _(
                "The file contains NUL bytes, so it is not a CSV text file (UTF-16 text must start with a byte order "
                "mark)."
            )
        )
    if data.isascii():
        return EncodingGuess("utf-8", 1.0)
    if _is_utf8(data):
        # Non-ASCII bytes that happen to form valid UTF-8 sequences are very
        # unlikely in any other encoding.
        return EncodingGuess("utf-8", 0.99, _LEGACY_ENCODINGS)

    scores: dict[str, float] = {}
    for encoding in _LEGACY_ENCODINGS:
        try:
            scores[encoding] = _plausibility(data.decode(encoding))
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined: their presence rules it out.
            continue
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    alternatives = tuple(ranked[1:])
    if scores[best] <= 0:
        confidence = 0.2
    elif not alternatives:
        confidence = 0.99
    else:
        margin = scores[best] - scores[alternatives[0]]
        confidence = min(0.99, 1 - 0.5 * math.exp(-margin / 3))
    return EncodingGuess(best, round(confidence, 2), alternatives)


def _is_utf8(data: bytes) -> bool:
    # Not final: a sample may end in the middle of a multi-byte sequence.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_COMMON_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ")
# Central European letters Windows-1252 has; real but rarer in UN texts.
_LESS_COMMON_LETTERS = frozenset("ŠšŽž")
# Typographic quotes and dashes (written as escapes: they look like ASCII in an editor).
_APOSTROPHE = "\u2019"
_OPENING_QUOTES = "\u201c\u2018"
_CLOSING_QUOTES = "\u201d\u2019"
_DASHES = "\u2013\u2014"
_COMMON_PUNCTUATION = frozenset(
    _OPENING_QUOTES + _CLOSING_QUOTES + _DASHES + "\u2026\u00ab\u00bb\u00b0\u20ac\u00a3\u00a7\u2022\u00b7\u00a0"
)
# Accented letters that are words on their own (French à, Spanish ó, Italian è…).
_ONE_LETTER_WORDS = frozenset("àáéèó")
# Accented letters that start words (área, été, île, œuvre) and that rarely end them.
_WORD_INITIAL = frozenset("áéíóúàèîœ")
_RARELY_WORD_FINAL = frozenset("âêîôûñç")


def _plausibility(text: str) -> float:
    """Sum of per-character scores over the non-ASCII characters of ``text``."""
    return sum(_char_score(text, match.start()) for match in _NON_ASCII.finditer(text))


def _char_score(text: str, index: int) -> float:
    char = text[index]
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if char.isalpha():
        return _letter_score(char, before, after)
    if char in _COMMON_PUNCTUATION:
        return 1.0 + _punctuation_bonus(char, before, after)
    # Maths signs, spacing accents, daggers: what mojibake is made of.
    return -2.0


def _letter_score(char: str, before: str, after: str) -> float:
    if char in _COMMON_LETTERS:
        score = 2.0
    elif char in _LESS_COMMON_LETTERS:
        score = 1.0
    else:
        score = -2.0
    if char.isupper():
        if before.isalpha() and before.islower():
            score -= 4  # a capital inside a word: "EquitŽ", "cafÈ"
        return score
    starts_word = not before.isalpha()
    ends_word = not after.isalpha()
    if starts_word and ends_word:
        if char not in _ONE_LETTER_WORDS:
            score -= 2  # "rights ñ more"
    elif (starts_word and char not in _WORD_INITIAL) or (ends_word and char in _RARELY_WORD_FINAL):
        score -= 1
    return score


def _punctuation_bonus(char: str, before: str, after: str) -> float:
    if char == _APOSTROPHE and before.isalpha() and after.isalpha():
        return 1.0  # "women's"
    if char in _OPENING_QUOTES and not before.isalnum() and after.isalnum():
        return 1.0
    if char in _CLOSING_QUOTES and not after.isalnum() and not before.isspace():
        return 1.0
    if char in _DASHES and before.isspace() and after.isspace():
        return 1.0
    return 0.0
