"""A profile's photo as the validator sees it: can it be published at all?

`inspect_photo` is the cheap check run on every photo, so that `check` reports a corrupt file, a
non-image or a decompression bomb as E027, never a crash. The build's encoding of the same bytes
(showcase/site/images.py) opens them with `open_photo`, so both refuse the same files.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

from showcase.common.diagnostics import fragment

# A 48-megapixel phone photo (8000 × 6000) passes; anything larger is refused as a possible
# decompression bomb before a single pixel is decoded.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard: beyond twice this, open() raises.

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "MPO": "JPEG"}
CORRUPT = fragment("photo.corrupt")


def max_pixels_text() -> str:
    return f"{MAX_PIXELS:,}".replace(",", ".")


class PhotoError(Exception):
    """The bytes are not a usable photo; `problem` is a diagnostic fragment for the editor."""

    def __init__(self, problem: dict):
        super().__init__(problem["$t"])
        self.problem = problem


def open_photo(data: bytes) -> Image.Image:
    """Open without decoding, refusing bombs, non-images and formats we do not publish."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(fragment("photo.too_large", max_pixels=max_pixels_text())) from None
        except Image.UnidentifiedImageError:
            raise PhotoError(fragment("photo.not_image")) from None
        except (OSError, ValueError, SyntaxError):
            raise PhotoError(CORRUPT) from None
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoError(fragment("photo.format", format=image.format))
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoError(fragment("photo.no_size"))
    if width * height > MAX_PIXELS:
        raise PhotoError(fragment("photo.too_many_pixels", width=width, height=height, max_pixels=max_pixels_text()))
    return image


def inspect_photo(data: bytes) -> dict | None:
    """None if `data` is a photo we can publish, else the problem in a few words.

    Cheap: the header and the chunk checksums (`verify`), then a decode; for a JPEG the
    decode runs at 1/8 scale (`draft`), which still reads every byte of the stream, so a
    truncated file is caught.
    """
    try:
        open_photo(data).verify()
        image = open_photo(data)
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except PhotoError as error:
        return error.problem
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        return CORRUPT
    return None
