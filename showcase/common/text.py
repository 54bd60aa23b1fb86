"""Vietnamese text handling: normalization, folding, slugs and collation.

Every string that enters the pipeline goes through `nfc`; comparisons, search keys
and slugs go through `fold`, because `đ` has no Unicode decomposition and NFC does
not unify old and new tone placement (`hoà`/`hòa`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from slugify import slugify as _slugify

_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Vowel shape marks make distinct letters in the Vietnamese alphabet (ă â ê ô ơ ư).
_SHAPE_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})

_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j",
    "k", "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b",
    "v", "w", "x", "y", "z",
]
_LETTER_RANK = {letter: rank + 10 for rank, letter in enumerate(_ALPHABET)}

# Zero-width and bidi controls are invisible in an editor but break search and slugs.
INVISIBLE_CHARACTERS = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def invisible_characters(text: str) -> list[str]:
    """The invisible characters of `text`, except the zero-width joiner inside an emoji sequence (👷‍♀️)."""
    found = []
    for match in INVISIBLE_CHARACTERS.finditer(text):
        char, at = match.group(), match.start()
        if char == "\u200d" and 0 < at < len(text) - 1 and _pictographic(text[at - 1]) and _pictographic(text[at + 1]):
            continue
        found.append(char)
    return found


def _pictographic(char: str) -> bool:
    return unicodedata.category(char) == "So" or char == "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Search/compare key: no tone or vowel marks, đ → d, lowercase."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_example(text: str) -> str:
    """A slug to suggest in a message (E025): folded, every run of other characters a hyphen. Addresses
    themselves are made by `slugify`; this is simple enough for the form's script to say the same."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    return _slugify(fold(text))


def _letters(word: str) -> tuple[list[int], list[int]]:
    """Primary (letters) and secondary (tones) collation weights of one word."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONE_MARKS and tones:
            tones[-1] = _TONE_MARKS[char]
        elif char in _SHAPE_MARKS and letters and letters[-1] + char in _LETTER_RANK:
            letters[-1] += char
        elif not unicodedata.combining(char):
            letters.append(char)
            tones.append(0)
    primary = [_LETTER_RANK.get(letter, 100 + ord(letter[0])) for letter in letters]
    return primary, tones


def collation_key(words: list[str]) -> tuple:
    """Vietnamese alphabetical order: letters first, tones only to break ties."""
    primary: list[int] = []
    secondary: list[int] = []
    for word in words:
        letters, tones = _letters(word)
        primary.extend(letters)
        primary.append(0)
        secondary.extend(tones)
    return (tuple(primary), tuple(secondary), tuple(words))


@lru_cache(maxsize=65536)  # pure; the model, listings and every dashboard report sort the same names
def person_sort_key(full_name: str) -> tuple:
    """People are listed by given name, then middle name(s), then family name."""
    words = full_name.split()
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    return collation_key(words)


@lru_cache(maxsize=65536)
def title_sort_key(text: str) -> tuple:
    return collation_key(text.split())


_WORD = re.compile(r"\w+")


def dd_words(*texts: str | None) -> str:
    """The words that contain đ/Đ, ASCII-folded, deduplicated, in order: 'Đỗ Minh Đức' → 'do duc'.

    Search engines fold tone and vowel marks but not đ (it has no Unicode decomposition); indexing
    these folded words lets 'duc' find 'Đức'. Only those words: the others already fold, and
    indexing them twice would skew ranking.
    """
    seen: dict[str, None] = {}
    for text in texts:
        # str.split and `in` run in C; only the few chunks with đ are split into words in Python.
        for chunk in (text or "").split():
            if "đ" in chunk or "Đ" in chunk:
                for word in _WORD.findall(chunk):
                    if "đ" in word or "Đ" in word:
                        seen.setdefault(_fold_word(word), None)
    return " ".join(seen)


@lru_cache(maxsize=65536)  # a bounded vocabulary: the same words recur in every profile
def _fold_word(word: str) -> str:
    return fold(word)


# After these a straight double quote opens a quotation; anywhere else (after a letter, a digit or a
# closing mark) it closes one.
_OPENS_AFTER = frozenset("([{“‘–—-/")


def typographic_quotes(text: str, before: str = "") -> str:
    """Straight double quotes as the typographic ones Vietnamese print uses: "…" → “…”. `before`: the
    character just before `text` ("" at the start of a paragraph), for a text cut into pieces (HTML
    between its tags). A quote opens at the start, after a space or after an opening bracket or a dash."""
    if '"' not in text:
        return text
    out = []
    previous = before
    for char in text:
        if char == '"':
            char = "“" if not previous or previous.isspace() or previous in _OPENS_AFTER else "”"
        out.append(char)
        previous = char
    return "".join(out)
