"""Profile photos, resized when building (the validator's check is showcase/source/photos.py).

`render_photo` turns the photo's bytes into a few widths in modern formats: EXIF
orientation applied, colours converted to sRGB, every piece of metadata (EXIF with
GPS position, XMP, ICC, comments) dropped. It is a pure function of the bytes and the
recipe, so its result is cached under `.cache/images/<sha256>/` and a rebuild with an
unchanged photo encodes nothing. `publish_photos` gives the build the files to write
(under `<prefix>assets/photos/`, named by content hash) and, per profile, the plain data
the `partials/photo.html` template needs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageCms, ImageOps, features

from showcase.common.text import slugify
from showcase.source.photos import CORRUPT, PhotoError, open_photo

WIDTHS = (320, 640, 960)
# Largest first: the browser takes the first <source> it supports, the <img> is the fallback.
ENCODERS: tuple[tuple[str, str, str, dict], ...] = tuple(
    item for item in (
        ("AVIF", "image/avif", "avif", {"quality": 55, "speed": 6}),
        ("WEBP", "image/webp", "webp", {"quality": 80, "method": 6}),
        ("JPEG", "image/jpeg", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
    ) if item[0] == "JPEG" or features.check(item[0].lower())
)
SIZES = "(max-width: 20rem) 100vw, 20rem"  # the profile photo is at most 20rem wide (site.css)
RECIPE_VERSION = 1


@dataclass(frozen=True)
class Variant:
    mime: str
    extension: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class RenderedPhoto:
    width: int  # after orientation, before resizing
    height: int
    variants: tuple[Variant, ...]


def target_widths(width: int, widths: tuple[int, ...] = WIDTHS) -> list[int]:
    """The requested widths narrower than the photo, plus the photo's own width if it is narrower
    than the largest request: never upscaled."""
    return sorted({w for w in widths if w < width} | {min(width, max(widths))})


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
            converted = ImageCms.profileToProfile(image.convert(mode), source, ImageCms.createProfile("sRGB"),
                                                  outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken colour profile: keep the pixels as they are
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB")


def render_photo(data: bytes, widths: tuple[int, ...] = WIDTHS) -> RenderedPhoto:
    image = open_photo(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image.load()
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    width, height = image.size
    variants = []
    for target in target_widths(width, widths):
        target_height = max(1, round(height * target / width))
        resized = image.resize((target, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0) \
            if target != width else image.copy()
        resized.info = {}  # no EXIF, XMP, ICC or comment travels to the output
        for format_name, mime, extension, options in ENCODERS:
            frame = resized
            if format_name == "JPEG" and frame.mode == "RGBA":
                background = Image.new("RGB", frame.size, (255, 255, 255))
                background.paste(frame, mask=frame.getchannel("A"))
                frame = background
            buffer = io.BytesIO()
            frame.save(buffer, format_name, **options)
            variants.append(Variant(mime, extension, target, target_height, buffer.getvalue()))
    return RenderedPhoto(width, height, tuple(variants))


def recipe(widths: tuple[int, ...] = WIDTHS) -> str:
    import PIL

    return json.dumps({"version": RECIPE_VERSION, "pillow": PIL.__version__, "widths": list(widths),
                       "encoders": [[name, options] for name, _, _, options in ENCODERS]}, sort_keys=True)


def cache_key(data: bytes, widths: tuple[int, ...] = WIDTHS) -> str:
    return hashlib.sha256(recipe(widths).encode() + b"\0" + data).hexdigest()


def _read_cache(folder: Path) -> RenderedPhoto | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        variants = []
        for item in manifest["variants"]:
            payload = (folder / item["file"]).read_bytes()
            if hashlib.sha256(payload).hexdigest() != item["sha256"]:
                return None
            variants.append(Variant(item["mime"], item["extension"], item["width"], item["height"], payload))
        return RenderedPhoto(manifest["width"], manifest["height"], tuple(variants))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(folder: Path, rendered: RenderedPhoto) -> None:
    """Best effort and atomic: a fresh folder renamed into place, so a killed build leaves no half entry."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError:
        return
    try:
        entries = []
        for index, variant in enumerate(rendered.variants):
            name = f"{index}-{variant.width}.{variant.extension}"
            (staging / name).write_bytes(variant.data)
            entries.append({"file": name, "mime": variant.mime, "extension": variant.extension, "width": variant.width,
                            "height": variant.height, "sha256": hashlib.sha256(variant.data).hexdigest()})
        manifest = {"width": rendered.width, "height": rendered.height, "variants": entries}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)  # a damaged entry that failed its checksum
        os.rename(staging, folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def cached_render(data: bytes, cache_dir: Path | None, widths: tuple[int, ...] = WIDTHS) -> tuple[RenderedPhoto, bool]:
    """(rendered photo, whether it came from the cache)."""
    if cache_dir is None:
        return render_photo(data, widths), False
    folder = cache_dir / cache_key(data, widths)
    found = _read_cache(folder)
    if found is not None:
        return found, True
    rendered = render_photo(data, widths)
    _write_cache(folder, rendered)
    return rendered, False


# --- publishing -------------------------------------------------------------------------------


def photo_context(rendered: RenderedPhoto, urls: dict[Variant, str], alt: str) -> dict:
    """What `partials/photo.html` needs, as plain data."""
    by_mime: dict[str, list[Variant]] = {}
    for variant in rendered.variants:
        by_mime.setdefault(variant.mime, []).append(variant)

    def srcset(items: list[Variant]) -> str:
        return ", ".join(f"{urls[item]} {item.width}w" for item in items)

    jpegs = by_mime["image/jpeg"]
    largest = jpegs[-1]
    fallback = next((item for item in jpegs if item.width >= 640), largest)
    return {
        "alt": alt,
        "sources": [{"type": mime, "srcset": srcset(items)} for mime, items in by_mime.items() if mime != "image/jpeg"],
        "src": urls[fallback],
        "srcset": srcset(jpegs),
        "sizes": SIZES,
        "width": fallback.width,
        "height": fallback.height,
        "largest": {"url": urls[largest], "width": largest.width, "height": largest.height, "type": largest.mime,
                    "length": len(largest.data)},
    }


def publish_photos(photos: dict[str, tuple[Path, str]], prefix: str,
                   cache_dir: Path | None) -> tuple[dict[str, dict], dict[str, bytes], dict[str, str]]:
    """`photos`: key (e.g. the profile's path) → (photo file, alt text).

    Returns (key → template data, output path → bytes, key → problem for photos that failed).
    """
    contexts: dict[str, dict] = {}
    files: dict[str, bytes] = {}
    problems: dict[str, dict] = {}
    for key, (path, alt) in sorted(photos.items()):
        try:
            data = path.read_bytes()
            rendered, _ = cached_render(data, cache_dir)
        except PhotoError as error:
            problems[key] = error.problem
            continue
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
            problems[key] = CORRUPT
            continue
        stem = slugify(PurePosixPath(path.name).stem) or "anh"
        urls: dict[Variant, str] = {}
        for variant in rendered.variants:
            digest = hashlib.sha256(variant.data).hexdigest()[:10]
            output = f"{prefix.lstrip('/')}assets/photos/{stem}-{variant.width}.{digest}.{variant.extension}"
            files[output] = variant.data
            urls[variant] = "/" + output
        contexts[key] = photo_context(rendered, urls, alt)
    return contexts, files, problems
