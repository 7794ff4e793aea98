"""Profile pictures: an upload checked to be a real image, its metadata dropped, cropped square and resized.

Pure functions on bytes, so they are tested without HTTP or a database. Only the decoded pixels are kept
(no EXIF, no GPS, no ICC tricks): the stored file is made afresh by Pillow.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from flashmob.errors import RuleError

MAX_BYTES = 5 * 1024 * 1024
# More pixels than a phone camera makes is a decompression bomb, not a photo (Pillow warns at ~89M).
MAX_PIXELS = 40_000_000
SIZE = 256
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
CONTENT_TYPE = "image/webp"
NOT_A_PICTURE = "That file is not a picture we can read. Please upload a JPEG, PNG, WebP or GIF."


class PictureError(RuleError):
    """An upload that is not a picture we can use; shown at the picture field."""

    status = 422
    field = "picture"

    def __init__(self, message: str):
        super().__init__(message, field="picture")


@dataclass(frozen=True)
class ProcessedPicture:
    data: bytes
    content_type: str
    width: int
    height: int


def process_picture(data: bytes) -> ProcessedPicture:
    """A square WebP of SIZE pixels from an uploaded JPEG, PNG, WebP or GIF (its first frame).

    Raises PictureError for anything too large, not an image, of another format, or a decompression bomb.
    """
    if not data:
        raise PictureError("Please choose a picture to upload.")
    if len(data) > MAX_BYTES:
        raise PictureError("Please choose a picture of 5 MB or less.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise PictureError("Please upload a JPEG, PNG, WebP or GIF picture.")
                width, height = image.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise PictureError("That picture is too large in pixels: please use a smaller one.")
                image.seek(0)  # a GIF or animated WebP: its first frame
                image.load()
                image = ImageOps.exif_transpose(image)  # a phone photo the right way up
                has_alpha = image.mode in ("P", "LA", "PA", "RGBA")
                image = image.convert("RGBA" if has_alpha else "RGB")
                square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError("That picture is too large in pixels: please use a smaller one.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise PictureError(NOT_A_PICTURE) from None
    out = io.BytesIO()
    # A fresh file from the pixels alone: no EXIF, XMP or ICC profile is written.
    square.save(out, "WEBP", quality=85, method=4)
    return ProcessedPicture(data=out.getvalue(), content_type=CONTENT_TYPE, width=SIZE, height=SIZE)
