"""The favicon, app icons and web app manifest: linked from every page, each file there and the right size."""

from __future__ import annotations

import io
import json
import re

from PIL import Image

from flashmob.icons import PNG_SIZES, THEME_COLOUR


def test_favicon_ico_answers_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.data)) as icon:
        assert icon.format == "ICO"


def test_every_page_links_icons_and_a_manifest_that_name_existing_files(client):
    page = client.get("/").text
    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"', page))
    assert set(links) == {"icon", "apple-touch-icon", "manifest"}
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in page
    for rel in ("icon", "apple-touch-icon"):
        assert client.get(links[rel]).status_code == 200
    assert client.get("/static/icons/favicon.svg").headers["Content-Type"].startswith("image/svg+xml")

    response = client.get(links["manifest"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] and manifest["theme_color"] == THEME_COLOUR
    sizes = set()
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(answer.data)) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
                sizes.add(image.width)
    assert {192, 512} <= sizes


def test_each_png_icon_is_the_size_its_name_says(client):
    for name, size in PNG_SIZES.items():
        response = client.get(f"/static/icons/{name}")
        assert response.status_code == 200
        with Image.open(io.BytesIO(response.data)) as image:
            assert image.size == (size, size)
