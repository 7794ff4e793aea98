"""The one place for the rules on uploaded pictures (profile pictures, chapter and event covers).

An upload is checked to be a real JPEG, PNG, WebP or GIF of 5 MB or less and not a decompression bomb; only
its decoded pixels are kept (no EXIF, no GPS, no ICC tricks): each stored file is made afresh by Pillow, as
WebP, cropped to the shape it is shown in. Pure functions on bytes, tested without HTTP or a database.
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
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"
CONTENT_TYPE = "image/webp"
NOT_A_PICTURE = "That file is not a picture we can read. Please upload a JPEG, PNG, WebP or GIF."
TOO_MANY_PIXELS = "That picture is too large in pixels: please use a smaller one."


class PictureError(RuleError):
    """An upload that is not a picture we can use; shown at its form field."""

    status = 422

    def __init__(self, message: str, field: str = "picture"):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class ProcessedPicture:
    data: bytes
    content_type: str
    width: int
    height: int


def read_upload(upload) -> bytes:
    """The bytes of a posted file (a werkzeug FileStorage), at most one more than allowed, so that a file
    too large is known without reading all of it; empty when no file was chosen."""
    return upload.stream.read(MAX_BYTES + 1) if upload else b""


def decode_picture(data: bytes, field: str = "picture") -> Image.Image:
    """The upload's pixels (its first frame, turned the way the camera was held), in RGB or RGBA.

    Raises PictureError, naming `field`, for anything empty, too large, not an image, of another format,
    or a decompression bomb.
    """
    if not data:
        raise PictureError("Please choose a picture to upload.", field)
    if len(data) > MAX_BYTES:
        raise PictureError(f"Please choose a picture of {MAX_BYTES // (1024 * 1024)} MB or less.", field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise PictureError("Please upload a JPEG, PNG, WebP or GIF picture.", field)
                width, height = image.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise PictureError(TOO_MANY_PIXELS, field)
                image.seek(0)  # a GIF or animated WebP: its first frame
                image.load()
                image = ImageOps.exif_transpose(image)  # a phone photo the right way up
                has_alpha = image.mode in ("P", "LA", "PA", "RGBA")
                return image.convert("RGBA" if has_alpha else "RGB")
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(TOO_MANY_PIXELS, field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise PictureError(NOT_A_PICTURE, field) from None


def fitted_webp(image: Image.Image, width: int, height: int) -> ProcessedPicture:
    """The picture cropped to width x height about its centre, resized, saved as a fresh WebP."""
    fitted = ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh file from the pixels alone: no EXIF, XMP or ICC profile is written.
    fitted.save(out, "WEBP", quality=85, method=4)
    return ProcessedPicture(data=out.getvalue(), content_type=CONTENT_TYPE, width=width, height=height)
