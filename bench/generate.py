#!/usr/bin/env python3
"""Generate N valid exemplar profiles, deterministically, for the benchmark.

    python bench/generate.py --count 10000 --out bench/out/content-10000 [--seed 1]

Every id comes from the plan and unit data (showcase.common.config.load_project): the year lies in
a plan period, the unit is active that year, the criteria apply to the profile's field and
kind, individuals carry a consent record. Bodies are 300–600 Vietnamese words, with 3–6
achievements. The same (count, seed) always gives the same bytes, so a corpus can be
regenerated instead of stored.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from showcase.common.config import Project, load_project  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Diệu", "Mỹ", "Hồng"]
# Placeholder given names of the "Nguyễn Văn A" kind: a letter, so nobody real is named.
LETTERS = ["A", "B", "C", "D", "Đ", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "X", "Y"]
GROUPS = ["Tổ Một cửa", "Tổ Thẩm định", "Tổ Kiểm định", "Đội Thanh tra", "Tổ Quy hoạch", "Tổ Hạ tầng",
          "Tổ Quản lý nhà", "Tổ Vận tải", "Đội Bảo trì", "Tổ Tổng hợp"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng", "Kỹ sư", "Thanh tra viên",
             "Kế toán viên", "Nhân viên kỹ thuật"]
OPENINGS = [
    "Trong năm {year}, {who} đã hoàn thành xuất sắc nhiệm vụ được giao tại {unit}.",
    "{who} là một trong những gương mặt tiêu biểu của {unit} trong năm {year}.",
    "Năm {year} đánh dấu nhiều đổi mới trong cách làm việc của {who} tại {unit}.",
]
HEADINGS = ["Từ những việc nhỏ hằng ngày", "Cách làm mới", "Kết quả nổi bật", "Lan tỏa trong tập thể",
            "Bài học kinh nghiệm", "Hướng tới năm sau", "Phục vụ người dân, doanh nghiệp"]
SENTENCES = [
    "Mỗi hồ sơ được tiếp nhận đều được kiểm tra kỹ lưỡng, hướng dẫn đầy đủ ngay từ lần đầu để người dân không phải đi lại nhiều lần.",
    "Việc số hóa hồ sơ lưu trữ giúp rút ngắn đáng kể thời gian tra cứu, từ vài ngày xuống còn vài giờ làm việc.",
    "Tinh thần trách nhiệm, sự tận tụy và thái độ cầu thị đã tạo được niềm tin của đồng nghiệp và nhân dân.",
    "Các sáng kiến được áp dụng rộng rãi, mang lại hiệu quả thiết thực và tiết kiệm chi phí cho đơn vị.",
    "Trong công tác kiểm tra chất lượng công trình, mọi sai sót đều được phát hiện sớm và khắc phục kịp thời.",
    "Tập thể thường xuyên tổ chức sinh hoạt chuyên đề, học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Quy trình giải quyết thủ tục hành chính được công khai minh bạch, không để xảy ra tình trạng trễ hạn.",
    "Những buổi hướng dẫn trực tiếp tại cơ sở giúp chủ đầu tư hiểu rõ quy định mới về quản lý xây dựng.",
    "Việc phối hợp chặt chẽ với các phòng chuyên môn giúp xử lý dứt điểm nhiều vướng mắc tồn đọng.",
    "Đồng nghiệp đánh giá cao sự gương mẫu, tác phong làm việc khoa học và tinh thần sẵn sàng hỗ trợ người khác.",
    "Các văn bản tham mưu đều bảo đảm chất lượng, đúng thời hạn và được lãnh đạo Sở đánh giá cao.",
    "Ứng dụng công nghệ thông tin trong quản lý giúp theo dõi tiến độ từng hồ sơ một cách chính xác.",
    "Nhờ kiên trì đối thoại, nhiều kiến nghị kéo dài của người dân đã được giải quyết thấu đáo, đúng pháp luật.",
    "Công tác bảo trì đường bộ được thực hiện thường xuyên, bảo đảm giao thông thông suốt trong mùa mưa bão.",
    "Mỗi tháng, tập thể dành một buổi để rà soát quy trình, lắng nghe góp ý và đề xuất cải tiến cách làm.",
    "Thực hành tiết kiệm, chống lãng phí được duy trì nghiêm túc trong mọi hoạt động của cơ quan.",
    "Kết quả khảo sát cho thấy mức độ hài lòng của người dân, doanh nghiệp tăng rõ rệt so với năm trước.",
    "Những kinh nghiệm quý được tổng kết thành tài liệu hướng dẫn để các đơn vị khác tham khảo, nhân rộng.",
    "Ngoài giờ làm việc, {who} còn tích cực tham gia các hoạt động từ thiện, hiến máu nhân đạo tại địa phương.",
    "Sự đoàn kết, thống nhất trong tập thể là nền tảng để hoàn thành tốt các nhiệm vụ khó khăn, phức tạp.",
    "Các công trình được thẩm định đều đáp ứng yêu cầu về an toàn, chất lượng và tiến độ theo quy định.",
    "Việc chuyển đổi số trong công tác cấp phép xây dựng được triển khai đồng bộ, thuận tiện cho người nộp hồ sơ.",
]
ACHIEVEMENTS = [
    "Hoàn thành xuất sắc nhiệm vụ năm {year}, không để hồ sơ nào trễ hạn.",
    "Đề xuất sáng kiến cải tiến quy trình, rút ngắn {n} ngày giải quyết thủ tục.",
    "Hướng dẫn hơn {n}00 lượt người dân, doanh nghiệp nộp hồ sơ trực tuyến.",
    "Số hóa {n}.000 trang tài liệu lưu trữ của đơn vị.",
    "Tham gia kiểm tra {n}0 công trình xây dựng, phát hiện và xử lý kịp thời các sai phạm.",
    "Được tặng Giấy khen của Giám đốc Sở năm {year}.",
    "Tổ chức {n} buổi tập huấn nghiệp vụ cho cán bộ cơ sở.",
    "Tích cực tham gia phong trào thi đua yêu nước và các hoạt động đoàn thể.",
]
AWARDS = ["Chiến sĩ thi đua cơ sở", "Lao động tiên tiến", "Giấy khen của Giám đốc Sở", "Bằng khen của Chủ tịch UBND tỉnh",
          "Tập thể lao động xuất sắc"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _body(rng: random.Random, who: str, unit: str, year: int) -> str:
    words_wanted = rng.randint(300, 600)
    parts = [rng.choice(OPENINGS).format(who=who, unit=unit, year=year)]
    words = len(parts[0].split())
    paragraph: list[str] = []
    headings = rng.sample(HEADINGS, len(HEADINGS))
    while words < words_wanted:
        if len(paragraph) >= rng.randint(3, 5):
            parts.append(" ".join(paragraph))
            paragraph = []
            if headings and rng.random() < 0.5:
                parts.append(f"## {headings.pop()}")
        sentence = rng.choice(SENTENCES).format(who=who)
        paragraph.append(sentence)
        words += len(sentence.split())
    if paragraph:
        parts.append(" ".join(paragraph))
    return "\n\n".join(parts) + "\n"


def profile_text(index: int, project: Project, seed: int) -> tuple[str, str]:
    """(relative path, file text) of profile number `index`."""
    rng = random.Random(f"{seed}:{index}")
    plan = project.plans[index % len(project.plans)]
    year = rng.randint(plan.start, plan.end)
    units = [unit for unit in project.units.values() if unit.active_in(year)]
    unit = rng.choice(units)
    kind = rng.choice(sorted(plan.kinds))
    field = rng.choice(sorted(plan.fields))
    if kind in project.personal_data.requires_consent or plan.kinds[kind].name_order == "given-name-first":
        female = rng.random() < 0.5
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        name = f"{rng.choice(FAMILY)} {middle} {rng.choice(LETTERS)}{index}"
        who = ("Chị " if female else "Anh ") + name
        position = f"{rng.choice(POSITIONS)}, {unit.name}"
    else:
        name = f"{rng.choice(GROUPS)} số {index}, {unit.name}"
        who = name
        position = None
    applicable = [item.id for item in plan.applicable_criteria(field, kind)]
    criteria = rng.sample(applicable, min(len(applicable), rng.randint(1, 3)))
    stage = rng.choice(sorted(plan.stages, key=lambda key: plan.stages[key].order))
    milestones = [item.id for item in plan.milestones.values() if item.covers_start <= year <= item.covers_end]
    # Distinct items: the validator refuses an achievement listed twice (E045).
    picked = rng.sample(ACHIEVEMENTS, min(rng.randint(3, 6), len(ACHIEVEMENTS)))
    achievements = [item.format(year=year, n=rng.randint(2, 9)) for item in picked]
    lines = ["---", f"name: {_quote(name)}", f"kind: {kind}"]
    if position:
        lines.append(f"position: {_quote(position)}")
    lines += [f"unit: {unit.id}", f"field: {field}", f"year: {year}",
              f"summary: {_quote(rng.choice(SENTENCES).format(who=who))}",
              f"criteria: [{', '.join(criteria)}]", "achievements:"]
    lines += [f"  - {_quote(item)}" for item in achievements]
    if rng.random() < 0.6:
        lines.append("awards:")
        for _ in range(rng.randint(1, 2)):
            lines += [f"  - title: {_quote(rng.choice(AWARDS))}",
                      f"    decision: {rng.randint(10, 999)}/QĐ-SXD",
                      f"    date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "    issuer: Giám đốc Sở Xây dựng"]
    lines.append(f"stage: {stage}")
    if milestones and rng.random() < 0.3:
        lines.append(f"nominated: {rng.choice(milestones)}")
    if kind in project.personal_data.requires_consent:
        scopes = [scope for scope in project.personal_data.scopes if scope != "anh"]
        lines += ["consent:", f"  date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                  f"  document: {_quote(f'Phiếu đồng ý công bố thông tin số {index}/PĐY')}",
                  f"  scope: [{', '.join(scopes)}]"]
    lines.append("---")
    text = "\n".join(lines) + "\n" + _body(rng, who, unit.name, year)
    return f"ho-so/{year}/ho-so-{index:06d}.md", text


def generate(out_dir: Path, count: int, seed: int = 1, project: Project | None = None) -> Path:
    """Write `count` profiles (and an intro page) under `out_dir`, replacing what was there."""
    project = project or load_project(ROOT)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    (out_dir / "_index.md").write_text(
        "---\ntitle: Gương người tốt, việc tốt\ndescription: Bộ hồ sơ sinh tự động để đo tốc độ.\n---\n"
        "Bộ hồ sơ này do `bench/generate.py` sinh ra để đo tốc độ; các tên chỉ là tên minh họa.\n", encoding="utf-8")
    made: set[Path] = set()
    for index in range(1, count + 1):
        relative, text = profile_text(index, project, seed)
        target = out_dir / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(text, encoding="utf-8")
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate N valid profiles for the benchmark.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)
    print(f"{args.count} profiles in {args.out}")


if __name__ == "__main__":
    main()
