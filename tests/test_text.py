from showcase.text import fold, nfc, person_sort_key, slugify, title_sort_key


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
