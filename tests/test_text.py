import re

from showcase.common.text import fold, nfc, person_sort_key, slugify, title_sort_key


def test_fold_removes_tones_and_folds_d():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG THỊ Ê") == "dang thi e"


def test_nfc_and_nfd_give_same_slug():
    decomposed = "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c"
    assert nfc(decomposed) == "Nguyễn Văn Đức"
    assert slugify(decomposed) == slugify("Nguyễn Văn Đức") == "nguyen-van-duc"


def test_vietnamese_alphabet_order():
    words = ["ăn", "anh", "ân", "đi", "dê", "ơi", "ông", "ở", "uống", "ưa", "e", "ê"]
    ordered = sorted(words, key=lambda word: title_sort_key(word))
    assert ordered == ["anh", "ăn", "ân", "dê", "đi", "e", "ê", "ông", "ở", "ơi", "uống", "ưa"]


def test_tones_only_break_ties():
    ordered = sorted(["họa", "hóa", "hoa", "hòa", "hỏa", "hõa", "hoan"], key=title_sort_key)
    assert ordered == ["hoa", "hòa", "hỏa", "hõa", "hóa", "họa", "hoan"]


def test_people_sorted_by_given_then_middle_then_family_name():
    names = ["Nguyễn Văn B", "Trần Thị A", "Lê Văn Ă", "Phạm Thị A", "Đỗ Minh Đức", "Bùi Văn Đ"]
    ordered = sorted(names, key=person_sort_key)
    assert ordered == ["Phạm Thị A", "Trần Thị A", "Lê Văn Ă", "Nguyễn Văn B", "Bùi Văn Đ", "Đỗ Minh Đức"]


def test_straight_double_quotes_become_vietnamese_typographic_quotes():
    from showcase.common.text import typographic_quotes

    assert typographic_quotes('Tổ "Một cửa" nói "không" với hồ sơ trễ hạn.') == "Tổ “Một cửa” nói “không” với hồ sơ trễ hạn."
    assert typographic_quotes('"Khách hàng" là người dân') == "“Khách hàng” là người dân"
    assert typographic_quotes('phong trào ("Dân vận khéo")') == "phong trào (“Dân vận khéo”)"
    assert typographic_quotes('" là', before="c") == "” là", "a piece that follows a word closes its quote"
    assert typographic_quotes('" tiếp', before="") == "“ tiếp"
    assert typographic_quotes("không có ngoặc kép") == "không có ngoặc kép"


def test_quotes_in_markdown_html_change_in_text_only():
    from showcase.source.markup import MarkdownRenderer

    html = MarkdownRenderer().render(
        '## Một "khách hàng"\n\nLà "<em>nằm chờ</em>" hay [“đúng hạn”](https://a.vn/?q=%22x%22 "tiêu đề \\"x\\"").\n\n'
        'Mã `summary: "abc"` và\n\n```\nkey: "value"\n```\n\n- chủ động, không để hồ sơ "nằm chờ";\n')
    assert "<h2>Một “khách hàng”</h2>" in html
    assert "Là “<em>nằm chờ</em>” hay" in html
    assert "không để hồ sơ “nằm chờ”;" in html
    assert 'href="https://a.vn/?q=%22x%22"' in html and 'title="tiêu đề &quot;x&quot;"' in html
    code = re.findall(r"<code>(.*?)</code>", html, re.S)
    assert code == ["summary: &quot;abc&quot;", "key: &quot;value&quot;\n"] or code == ['summary: "abc"', 'key: "value"\n'], code
