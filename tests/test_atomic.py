"""The published folder is replaced whole or not at all, and the same input always gives the same bytes."""

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from showcase.engine import writer

BASE = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        digest.update(relative.encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def generate(content: Path, count: int, marker: str) -> None:
    content.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        text = BASE.replace("name: Trần Thị B", f"name: Trần Thị B {marker} {number}")
        (content / f"ho-so-{number:04d}.md").write_text(text, encoding="utf-8")


def debris(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.staging-*"))


def test_builds_killed_at_random_moments_never_change_the_published_folder(tmp_path):
    content, out = tmp_path / "content", tmp_path / "public"
    generate(content, 250, "cũ")
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    old = tree_hash(out)
    generate(content, 250, "mới")
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--content", str(content), "--out", str(fresh)).returncode == 0
    new = tree_hash(fresh)
    assert new != old
    rng = random.Random(20251028)
    outcomes = []
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)]
    for attempt in range(8):
        if tree_hash(out) == new:  # a build got through: start again from the old site
            generate(content, 250, "cũ")
            assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
            generate(content, 250, "mới")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        time.sleep(rng.uniform(0.2, 2.5))
        sent = signal.SIGKILL if attempt % 2 else signal.SIGINT
        process.send_signal(sent)
        process.wait(timeout=60)
        now = tree_hash(out)
        assert now in (old, new), f"attempt {attempt}: the published folder is a mix after {sent.name}"
        outcomes.append("new" if now == new else "old")
    assert "old" in outcomes  # at least one kill landed before the swap
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_hash(out) == new and debris(out) == []


def test_failure_while_writing_leaves_output_and_no_debris(tmp_path, monkeypatch):
    out = tmp_path / "public"
    writer.write_tree({"a/index.html": b"cu", "b.txt": b"1"}, out)
    before = tree_hash(out)
    written = []
    real = writer._write_file

    def failing(path, data):
        written.append(path)
        if len(written) % 10 == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(writer, "_write_file", failing)
    with pytest.raises(OSError):
        writer.write_tree({f"p/{n}/index.html": b"moi" for n in range(10)}, out)
    assert tree_hash(out) == before and debris(out) == []
    # Once a build has swapped, the previous site is the spare the next build updates: a failure
    # while updating it leaves the published site as it was too, and the build after it is exact.
    monkeypatch.undo()
    writer.write_tree({"a/index.html": b"cu", "b.txt": b"2", "c/d/e.txt": b"3"}, out)
    assert writer.spare_dir(out).is_dir()
    before = tree_hash(out)
    monkeypatch.setattr(writer, "_write_file", failing)
    written.clear()
    with pytest.raises(OSError):
        writer.write_tree({f"p/{n}/index.html": b"moi" for n in range(10)}, out, ["a/index.html"])
    assert tree_hash(out) == before and debris(out) == []
    monkeypatch.undo()
    writer.write_tree({"p/1/index.html": b"moi", "b.txt": b"4"}, out, ["a/index.html"])
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        "p/1/index.html": b"moi", "b.txt": b"4", "a/index.html": b"cu"}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == ["a", "p", "p/1"]


def test_stale_staging_from_a_killed_build_is_cleaned_and_harmless(tmp_path):
    out = tmp_path / "public"
    stale = tmp_path / ".public.staging-abc123"
    (stale / "half").mkdir(parents=True)
    (stale / "half" / "index.html").write_bytes(b"half")
    writer.write_tree({"index.html": b"ok"}, out)
    assert debris(out) == [] and (out / "index.html").read_bytes() == b"ok" and not (out / "half").exists()


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a//b", "a/../../b"])
def test_writer_refuses_paths_out_of_the_folder(tmp_path, bad):
    with pytest.raises(ValueError):
        writer.write_tree({bad: b"x"}, tmp_path / "public")
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "public").exists()


def test_output_folder_holding_the_sources_is_refused(tmp_path):
    result = run_cli("build", "--out", str(ROOT))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (ROOT / "build.py").exists()


def test_two_builds_are_byte_identical(tmp_path):
    content = tmp_path / "content"
    generate(content, 30, "x")
    hashes, stamps = [], []
    for number, (seed, tz) in enumerate((("1", "UTC"), ("4242", "Asia/Ho_Chi_Minh"))):
        out = tmp_path / f"out-{number}"
        env = {"PYTHONHASHSEED": seed, "TZ": tz, "SOURCE_DATE_EPOCH": "1700000000"}
        result = run_cli("build", "--drafts", "--content", str(content), "--out", str(out), env=env)
        assert result.returncode == 0, result.stderr
        hashes.append(tree_hash(out))
        stamps.append({path.stat().st_mtime for path in out.rglob("*") if path.is_file()})
        time.sleep(1.1)  # a clock-based date would now differ
    assert hashes[0] == hashes[1]
    assert stamps[0] == stamps[1] == {1700000000}


def test_sample_site_builds_identically_twice(tmp_path):
    outs = []
    for number, seed in enumerate(("0", "99")):
        out = tmp_path / f"sample-{number}"
        result = run_cli("build", "--out", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outs.append(tree_hash(out))
    assert outs[0] == outs[1]


def test_a_site_without_spare_gets_one_made_of_links_and_the_next_write_uses_it(tmp_path):
    """The first build after a cold one (its output was renamed into place) used to make the whole new
    tree; a spare of hard links, made beside the build, lets it update only what changed."""
    out = tmp_path / "public"
    writer.write_tree({"a/index.html": b"cu", "b.txt": b"2", "c/d/e.txt": b"3"}, out)
    assert not writer.spare_dir(out).exists()
    writer.prepare_spare(out)
    spare = writer.spare_dir(out)
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*")) == ["a", "a/index.html", "b.txt", "c", "c/d", "c/d/e.txt"]
    assert all((spare / name).stat().st_ino == (out / name).stat().st_ino for name in ("a/index.html", "b.txt", "c/d/e.txt"))
    assert debris(out) == []
    writer.prepare_spare(out)  # a spare exists: left as it is
    made = spare.stat().st_ino
    writer.write_tree({"b.txt": b"4", "c/d/f.txt": b"5"}, out, ["a/index.html"])
    assert out.stat().st_ino == made  # the spare, updated, is the new site
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        "a/index.html": b"cu", "b.txt": b"4", "c/d/f.txt": b"5"}
    assert (writer.spare_dir(out) / "b.txt").read_bytes() == b"2" and debris(out) == []


def test_a_spare_left_half_made_is_never_used(tmp_path):
    out = tmp_path / "public"
    writer.write_tree({"a/index.html": b"cu"}, out)
    half = tmp_path / ".public.staging-killed"  # what a killed prepare_spare leaves: a staging name, not the spare
    (half / "a").mkdir(parents=True)
    writer.write_tree({"a/index.html": b"moi"}, out)
    assert not half.exists() and (out / "a/index.html").read_bytes() == b"moi"


def test_a_spare_older_than_the_site_before_is_made_anew(tmp_path):
    """Output deleted and built again (a cold build renames its tree into place): the spare left from
    before is of another site, and would cost as much to update as making one."""
    out = tmp_path / "public"
    writer.write_tree({"a/index.html": b"1", "b.txt": b"1"}, out)
    writer.write_tree({"a/index.html": b"2"}, out, ["b.txt"])
    assert writer.spare_dir(out).is_dir() and not writer.needs_spare(out)
    shutil.rmtree(out)
    writer.write_tree({"a/index.html": b"3", "b.txt": b"3"}, out)
    assert writer.needs_spare(out)
    writer.prepare_spare(out)
    spare = writer.spare_dir(out)
    assert (spare / "b.txt").stat().st_ino == (out / "b.txt").stat().st_ino and (spare / "a/index.html").read_bytes() == b"3"
    assert not writer.needs_spare(out) and debris(out) == []


def test_a_spare_tampered_with_is_made_exactly_the_new_site(tmp_path):
    """The spare is checked from its folders' listings, not trusted: a copy where the published file's
    hard link was, a symbolic link, a folder where a file goes and a file where a folder goes, stale
    files and folders all end as the new site, with every unchanged file the published one itself."""
    out = tmp_path / "public"
    site = {"a/index.html": b"a1", "b.txt": b"b1", "c/d/e.txt": b"e1", "f/index.html": b"f1", "g.txt": b"g1"}
    writer.write_tree(site, out)
    writer.prepare_spare(out)
    spare = writer.spare_dir(out)
    (spare / "a/index.html").unlink()
    (spare / "a/index.html").write_bytes(b"a1")  # same bytes, another inode
    (spare / "g.txt").unlink()
    (spare / "g.txt").symlink_to(out / "g.txt")
    (spare / "b.txt").unlink()
    (spare / "b.txt").mkdir()
    (spare / "b.txt" / "inside").write_bytes(b"x")
    shutil.rmtree(spare / "c")
    (spare / "c").write_bytes(b"not a folder")
    (spare / "old" / "deep").mkdir(parents=True)
    (spare / "old" / "deep" / "x.html").write_bytes(b"old")
    (spare / "stale.txt").write_bytes(b"old")
    before = {name: (out / name).stat().st_ino for name in site}
    unchanged = ["a/index.html", "b.txt", "c/d/e.txt", "g.txt"]
    # One inode given (as the build listed the output), the others looked up.
    writer.write_tree({"f/index.html": b"f2", "h/i.txt": b"i2"}, out, unchanged,
                      published_inodes={"a/index.html": before["a/index.html"]})
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {"a/index.html": b"a1", "b.txt": b"b1", "c/d/e.txt": b"e1", "g.txt": b"g1",
                     "f/index.html": b"f2", "h/i.txt": b"i2"}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == ["a", "c", "c/d", "f", "h"]
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert all((out / name).stat().st_ino == before[name] for name in unchanged)
    assert debris(out) == []


def test_a_cold_write_adopts_the_spool_its_pages_were_written_to(tmp_path):
    """A build with no tree to update publishes the spool folder itself (the render workers wrote each
    page at its own path there): its files stay the same files, nothing else is left in it, and the
    folder is gone into place. With a spare to update, the spool is only linked from, as before."""
    out = tmp_path / "public"
    spool = tmp_path / ".public.spool-x"
    (spool / "p" / "1").mkdir(parents=True)
    (spool / "p" / "1" / "index.html").write_bytes(b"trang")
    (spool / "stray").mkdir()
    (spool / "stray" / "old.html").write_bytes(b"x")
    page = spool / "p" / "1" / "index.html"
    inode = page.stat().st_ino
    writer.write_tree({"b.txt": b"2"}, out, linked={"p/1/index.html": str(page)}, adopt=spool)
    assert not spool.exists()
    assert (out / "p" / "1" / "index.html").stat().st_ino == inode
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["b.txt", "p", "p/1", "p/1/index.html"]
    assert oct(out.stat().st_mode & 0o777) == "0o755" and debris(out) == []

    writer.prepare_spare(out)
    (spool / "p" / "2").mkdir(parents=True)
    (spool / "p" / "2" / "index.html").write_bytes(b"moi")
    writer.write_tree({"b.txt": b"3"}, out, ["p/1/index.html"], {"p/2/index.html": str(spool / "p/2/index.html")}, adopt=spool)
    assert (spool / "p" / "2" / "index.html").read_bytes() == b"moi"  # linked from, not taken
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        "b.txt": b"3", "p/1/index.html": b"trang", "p/2/index.html": b"moi"}


def test_a_failed_cold_write_leaves_no_output_and_no_spool(tmp_path):
    out = tmp_path / "public"
    spool = tmp_path / ".public.spool-y"
    spool.mkdir()
    (spool / "a.html").write_bytes(b"a")
    with pytest.raises(OSError):
        writer.write_tree({"b.txt": b"2"}, out, linked={"c.html": str(tmp_path / "missing.html")}, adopt=spool)
    assert not out.exists() and not spool.exists() and debris(out) == []
