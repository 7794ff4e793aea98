"""Profile pictures: an upload checked to be a real image, its metadata dropped, cropped square and resized.

The image rules (formats, size, decompression bombs, metadata) are flashmob.images's, shared with covers.
"""

from __future__ import annotations

from flashmob.images import (
    ACCEPTED_FORMATS,
    CONTENT_TYPE,
    MAX_BYTES,
    MAX_PIXELS,
    NOT_A_PICTURE,
    PictureError,
    ProcessedPicture,
    decode_picture,
    fitted_webp,
)

__all__ = [
    "ACCEPTED_FORMATS", "CONTENT_TYPE", "MAX_BYTES", "MAX_PIXELS", "NOT_A_PICTURE", "SIZE", "PictureError",
    "ProcessedPicture", "process_picture",
]

SIZE = 256


def process_picture(data: bytes) -> ProcessedPicture:
    """A square WebP of SIZE pixels from an uploaded JPEG, PNG, WebP or GIF (its first frame).

    Raises PictureError for anything too large, not an image, of another format, or a decompression bomb.
    """
    return fitted_webp(decode_picture(data, "picture"), SIZE, SIZE)
