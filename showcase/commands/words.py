"""argparse's own words ("usage:", "options:", its error messages) in Vietnamese, whatever the locale.

argparse looks up every word it prints through gettext (`_` and `ngettext`, module globals of
argparse), at the moment it prints it, and the standard library ships no Vietnamese catalog for it:
pointing those two names at this table puts the whole command line in the editors' language. Only
what a user can see is here; messages about mistakes in the program's own parser set-up stay as
they are (they would be a bug of ours, read by developers).
"""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số theo vị trí",
    "options": "tùy chọn",
    "show this help message and exit": "hiện phần trợ giúp này rồi thoát",
    "show program's version number and exit": "hiện số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "not allowed with argument %s": "không dùng được cùng với tham số %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị (%r)",
    "expected one argument": "cần một giá trị ngay sau tùy chọn",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s chưa rõ, có thể là: %(matches)s",
    "unexpected option string: %s": "không chờ tùy chọn ở đây: %s",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ: cần %(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "không có lựa chọn %(value)r (chọn một trong: %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "không mở được tệp '%(filename)s': %(error)s",
}
PLURAL_WORDS = {
    ("expected %s argument", "expected %s arguments"): "cần %s giá trị",
}
# The names argparse gives a value's type in "invalid %(type)s value" (a conversion function's __name__).
TYPE_NAMES = {"int": "một số nguyên", "float": "một số", "Path": "một đường dẫn", "str": "một đoạn chữ"}


class _Template(str):
    """A translated template that also names a value's type in words when it is filled in."""

    def __mod__(self, values):
        if isinstance(values, dict) and "type" in values:
            values = {**values, "type": TYPE_NAMES.get(values["type"], values["type"])}
        return str.__mod__(self, values)


def translate(message: str) -> str:
    return _Template(WORDS.get(message, message))


def translate_plural(singular: str, plural: str, count: int) -> str:
    return PLURAL_WORDS.get((singular, plural)) or (singular if count == 1 else plural)


def install() -> None:
    """Make argparse speak Vietnamese (idempotent)."""
    argparse._ = translate
    argparse.ngettext = translate_plural


# What a value stands for, shown in the help after an option that takes one (`--out THƯ_MỤC`): argparse
# would show the option's own name in capitals (`--out OUT`). By the option's `dest`; any other: GIÁ_TRỊ.
METAVARS = {
    "content": "THƯ_MỤC", "out": "THƯ_MỤC", "lang": "NGÔN_NGỮ", "host": "ĐỊA_CHỈ", "port": "CỔNG",
    "plan": "MÃ_KẾ_HOẠCH", "year": "NĂM", "milestone": "MÃ_MỐC", "output": "TỆP", "pdf": "TỆP_PDF",
    "name": "TÊN", "kind": "LOẠI", "unit": "ĐƠN_VỊ", "field": "LĨNH_VỰC", "criteria": "TIÊU_CHÍ",
    "stage": "GIAI_ĐOẠN", "position": "CHỨC_VỤ", "achievement": "THÀNH_TÍCH", "consent_date": "NGÀY",
    "consent_document": "SỐ_VĂN_BẢN", "consent_scope": "PHẠM_VI", "slug": "TÊN_TỆP",
}


class HelpFormatter(argparse.HelpFormatter):
    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, "GIÁ_TRỊ")

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, "GIÁ_TRỊ")
