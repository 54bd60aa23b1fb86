"""The template text `build.py new` writes for the editor to replace, and where a profile still holds it.

One source for both: `new` writes these texts, the validator looks for them, so a sentence reworded
here is still found. Left in a published profile it is an error (E046); in a draft, a warning (W005),
since a draft is where the editor is still writing.
"""

from __future__ import annotations

SUMMARY = "Một câu giới thiệu ngắn về điển hình"
ACHIEVEMENT = "Viết thành tích tiêu biểu thứ nhất (số liệu, kết quả cụ thể)"
PHOTO_ALT = "Mô tả ngắn nội dung ảnh"

# Front-matter keys whose value (or one of whose items) may be a text of `new`'s.
FIELD_TEXTS = {"summary": SUMMARY, "achievements": ACHIEVEMENT, "photo_alt": PHOTO_ALT}


def _opening(personal: bool) -> str:
    who = "người" if personal else "tập thể"
    return f"(Đoạn mở đầu: giới thiệu ngắn về {who} được nêu gương, đơn vị công tác và việc làm nổi bật nhất.)"


_SECTIONS = (
    ("Hoàn cảnh và nhiệm vụ", "(Nhiệm vụ được giao, khó khăn phải vượt qua.)"),
    ("Cách làm, sáng kiến", "(Việc đã làm, cách làm mới, sáng kiến; nêu số liệu cụ thể.)"),
    ("Kết quả và khả năng nhân rộng", "(Kết quả đạt được, được ghi nhận thế nào, nơi khác có thể học tập điều gì.)"),
)


def body(personal: bool) -> list[str]:
    """The body `new` writes: an opening paragraph and three sections, each a bracketed hint to replace."""
    lines = [_opening(personal), ""]
    for heading, hint in _SECTIONS:
        lines += [f"## {heading}", "", hint, ""]
    return lines


def text_form(text: str) -> str:
    return " ".join(text.split())


BODY_TEXTS = frozenset(text_form(text) for text in (_opening(True), _opening(False), *(hint for _, hint in _SECTIONS)))


def is_field_text(key: str, value: object) -> bool:
    """Whether `value` of front-matter `key` is the text `new` put there."""
    return key in FIELD_TEXTS and isinstance(value, str) and text_form(value) == text_form(FIELD_TEXTS[key])


def body_lines(text: str) -> list[int]:
    """0-based numbers of the body's lines that are a paragraph of `new`'s skeleton."""
    return [number for number, line in enumerate(text.split("\n")) if text_form(line) in BODY_TEXTS]
