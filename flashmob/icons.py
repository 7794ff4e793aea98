"""The site's favicon, app icons and web app manifest.

The icons are drawn here, from the same shapes as static/icons/favicon.svg, and written once into
static/icons (`python -m flashmob.icons`); the files are committed, so nothing is drawn per request.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, Response, current_app, send_from_directory, url_for

ICONS = Path(__file__).parent / "static" / "icons"
THEME_COLOUR = "#8a2d52"  # the site's accent (flashmob.css --accent)
BACKGROUND_COLOUR = "#f4f1ec"  # the page wash
PNG_SIZES = {"favicon-32.png": 32, "apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
# The mark on a 64-unit square: a lightning flash (a flash mob) in white on the accent.
BOLT = [(36, 8), (18, 36), (30, 36), (26, 56), (46, 26), (34, 26), (40, 8)]


def favicon_svg() -> str:
    points = " ".join(f"{x},{y}" for x, y in BOLT)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="14" fill="{THEME_COLOUR}"/>'
        f'<polygon points="{points}" fill="#fff"/></svg>\n'
    )


def draw_icon(size: int):
    """The mark as a square PNG image of `size` pixels, drawn large and scaled down for smooth edges."""
    from PIL import Image, ImageDraw

    scale = size * 4 / 64
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle((0, 0, size * 4 - 1, size * 4 - 1), radius=14 * scale, fill=THEME_COLOUR)
    draw.polygon([(x * scale, y * scale) for x, y in BOLT], fill="#ffffff")
    return big.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(directory: Path = ICONS) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "favicon.svg").write_text(favicon_svg())
    for name, size in PNG_SIZES.items():
        draw_icon(size).save(directory / name, optimize=True)
    draw_icon(64).save(directory / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


def manifest() -> dict:
    def icon(name: str, size: int) -> dict:
        return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png"}

    return {
        "name": current_app.config["SITE_NAME"],
        "short_name": "Flashmob",
        "start_url": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            {"src": url_for("static", filename="icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }


def register_icons(app: Flask) -> None:
    @app.route("/favicon.ico")
    def favicon():
        # Browsers and feed readers ask for it at the root whatever the page links to.
        return send_from_directory(ICONS, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)

    @app.route("/site.webmanifest")
    def site_manifest():
        response = Response(json.dumps(manifest(), indent=2), mimetype="application/manifest+json")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


if __name__ == "__main__":
    write_icons()
