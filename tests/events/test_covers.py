"""Cover pictures of chapters and events: the profile pictures' image rules, two sizes, uploaded and
removed by the chapter's organisers and admins, served with cache headers; without one, the chapter's
cover, or a drawn one."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from flashmob.events.covers import services
from flashmob.events.models import Chapter, CoverPicture, Event, EventStatus
from flashmob.extensions import db
from flashmob.images import PictureError
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.members.conftest import csrf_token_from, field_error


def image_bytes(fmt: str = "PNG", size=(1200, 900), colour=(20, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def upload(client, url: str, data: bytes, name="cover.png", **extra):
    return client.post(
        url, data={"cover": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data"
    )


def cover_srcs(html: str) -> list[str]:
    """The addresses of the cover pictures on a page (banner and cards)."""
    return re.findall(r'<img (?:class="card-cover" )?src="([^"]+)" alt=""', html)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# The pictures themselves


def test_a_cover_is_made_in_two_wide_webp_sizes_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    Image.new("RGB", (3000, 3000), (10, 200, 30)).save(out, "JPEG", exif=exif.tobytes())
    cover = services.process_cover(out.getvalue())
    for picture, size in ((cover.wide, services.WIDE), (cover.card, services.CARD)):
        assert b"SecretCam" not in picture.data
        with Image.open(io.BytesIO(picture.data)) as image:
            assert image.format == "WEBP" and image.size == size
            assert not image.getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Please choose a picture"),
        (b"just some text, renamed .png", "not a picture we can read"),
        (b"\x89PNG" + b"x" * (5 * 1024 * 1024), "5 MB or less"),
    ],
)
def test_what_is_not_a_usable_picture_is_refused_at_the_cover_field(data, message):
    with pytest.raises(PictureError) as caught:
        services.process_cover(data)
    assert message in str(caught.value)
    assert caught.value.field == "cover"


# Uploading, replacing and removing


def test_an_organiser_uploads_a_chapter_cover_shown_on_its_page_and_its_events_cards(
    client, login, roles, create_event
):
    chapter = roles["chapter"]
    event = create_event(chapter, title="Risk night")
    login(roles["organiser"])
    page = client.get("/chapters/birmingham/cover")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = upload(client, "/chapters/birmingham/cover", image_bytes())
    assert response.status_code == 302 and response.headers["Location"] == "/chapters/birmingham"
    assert fresh(Chapter, chapter.id).cover_version == 1

    wide = client.get("/chapters/birmingham/cover/1/wide.webp")
    assert wide.status_code == 200 and wide.headers["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(wide.data)) as image:
        assert image.size == services.WIDE  # resized from 1200x900, cropped to 2:1
    assert "public" in wide.headers["Cache-Control"] and "immutable" in wide.headers["Cache-Control"]
    assert wide.headers["ETag"]
    etag = {"If-None-Match": wide.headers["ETag"]}
    again = client.get("/chapters/birmingham/cover/1/wide.webp", headers=etag)
    assert again.status_code == 304

    chapter_page = client.get("/chapters/birmingham").text
    assert '<img src="/chapters/birmingham/cover/1/wide.webp" alt=""' in chapter_page
    assert "/chapters/birmingham/cover/1/card.webp" in chapter_page  # its event's card
    # The event has no cover of its own: its page shows the chapter's.
    assert "/chapters/birmingham/cover/1/wide.webp" in client.get(f"/events/{event.id}").text

    assert upload(client, "/chapters/birmingham/cover", image_bytes("JPEG")).status_code == 302
    assert client.get("/chapters/birmingham/cover/1/wide.webp").status_code == 404  # the old address is gone
    assert client.get("/chapters/birmingham/cover/2/card.webp").status_code == 200

    assert "Remove the cover picture" in client.get("/chapters/birmingham/cover").text
    assert client.post("/chapters/birmingham/cover/remove").status_code == 302
    assert fresh(Chapter, chapter.id).cover_version is None
    assert db.session.query(CoverPicture).count() == 0
    assert client.get("/chapters/birmingham/cover/2/wide.webp").status_code == 404
    drawn = '<img src="/chapters/birmingham/drawn-cover/wide.svg" alt=""'
    assert drawn in client.get("/chapters/birmingham").text


def test_an_event_cover_comes_before_its_chapters_which_comes_before_the_drawn_one(
    client, login, roles, create_event
):
    chapter = roles["chapter"]
    event = create_event(chapter, title="Benefits night")
    login(roles["organiser"])
    detail = f"/events/{event.id}"
    assert cover_srcs(client.get(detail).text)[0] == "/chapters/birmingham/drawn-cover/wide.svg"

    assert upload(client, "/chapters/birmingham/cover", image_bytes()).status_code == 302
    assert cover_srcs(client.get(detail).text)[0] == "/chapters/birmingham/cover/1/wide.webp"

    response = upload(client, f"/events/{event.id}/cover", image_bytes(colour=(250, 10, 10)))
    assert response.status_code == 302 and response.headers["Location"] == detail
    assert fresh(Event, event.id).cover_version == 1
    assert cover_srcs(client.get(detail).text)[0] == f"/events/{event.id}/cover/1/wide.webp"
    card = client.get(f"/events/{event.id}/cover/1/card.webp")
    with Image.open(io.BytesIO(card.data)) as image:
        assert image.size == services.CARD
        assert image.convert("RGB").getpixel((10, 10))[0] > 200  # the event's red, not the chapter's blue
    assert f"/events/{event.id}/cover/1/card.webp" in client.get("/events").text

    assert client.post(f"/events/{event.id}/cover/remove").status_code == 302
    assert cover_srcs(client.get(detail).text)[0] == "/chapters/birmingham/cover/1/wide.webp"


def test_the_drawn_cover_is_an_svg_in_the_chapters_own_colour_cached_with_an_etag(client, roles):
    first = client.get("/chapters/birmingham/drawn-cover/wide.svg")
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("image/svg+xml")
    assert "<svg" in first.text and ">B</text>" in first.text
    assert first.headers["Cache-Control"].startswith("public")
    drawn = "/chapters/birmingham/drawn-cover/wide.svg"
    assert client.get(drawn).text == first.text  # the same every time
    assert client.get("/chapters/london/drawn-cover/wide.svg").text != first.text  # another colour
    again = client.get(drawn, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Dear organisers, this is a text file.", "cover.png", "That file is not a picture we can read."),
        (b"\x89PNG" + b"x" * (5 * 1024 * 1024), "big.png", "Please choose a picture of 5 MB or less."),
    ],
)
def test_a_bad_upload_is_a_422_with_the_reason_at_the_field(client, login, roles, create_event, data, name,
                                                            message):
    event = create_event(roles["chapter"])
    login(roles["organiser"])
    for url in ("/chapters/birmingham/cover", f"/events/{event.id}/cover"):
        response = upload(client, url, data, name=name)
        assert response.status_code == 422
        assert message in field_error(response.text, "cover")
    assert fresh(Event, event.id).cover_version is None
    assert db.session.query(CoverPicture).count() == 0


def test_posting_no_file_asks_for_one(client, login, roles):
    login(roles["organiser"])
    response = client.post("/chapters/birmingham/cover", data={})
    assert response.status_code == 422
    assert "Please choose a picture to upload." in field_error(response.text, "cover")


# Who may


EXPECTED = {"anonymous": "sign-in", "member": 403, "other_organiser": 403, "organiser": 302, "admin": 302}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_the_chapters_organisers_and_admins_change_covers(client, roles, as_role, create_event, role):
    event = create_event(roles["chapter"])
    as_role(role)
    for base in ("/chapters/birmingham/cover", f"/events/{event.id}/cover"):
        answers = (client.get(base), upload(client, base, image_bytes()), client.post(f"{base}/remove"))
        for response in answers:
            if EXPECTED[role] == "sign-in":
                assert signs_in(response)
            elif EXPECTED[role] == 403:
                assert response.status_code == 403
            else:
                assert response.status_code in (200, 302)
    changed = EXPECTED[role] == 302
    # The upload, then the removal: allowed roles end with none, but the upload went through on the way.
    assert fresh(Event, event.id).cover_version is None
    assert fresh(Chapter, roles["chapter"].id).cover_version is None
    page = client.get("/chapters/birmingham").text
    assert ("/chapters/birmingham/cover\"" in page) == changed  # the "Cover picture" button


def test_cover_changes_need_a_csrf_token(client, login, roles, csrf_enabled):
    login(roles["organiser"])
    assert upload(client, "/chapters/birmingham/cover", image_bytes()).status_code == 400
    token = csrf_token_from(client.get("/chapters/birmingham/cover").text)
    assert upload(client, "/chapters/birmingham/cover", image_bytes(), csrf_token=token).status_code == 302
    assert client.post("/chapters/birmingham/cover/remove").status_code == 400
    assert fresh(Chapter, roles["chapter"].id).cover_version == 1


def test_a_drafts_cover_is_seen_only_by_its_organisers_and_kept_out_of_shared_caches(
    client, login, logout, roles, create_event
):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    login(roles["organiser"])
    assert upload(client, f"/events/{draft.id}/cover", image_bytes()).status_code == 302
    mine = client.get(f"/events/{draft.id}/cover/1/wide.webp")
    assert mine.status_code == 200 and mine.headers["Cache-Control"].startswith("private")
    logout()
    assert client.get(f"/events/{draft.id}/cover/1/wide.webp").status_code == 404
    login(roles["member"])
    assert client.get(f"/events/{draft.id}/cover/1/wide.webp").status_code == 404


def test_a_published_events_cover_is_public(client, login, logout, roles, create_event):
    event = create_event(roles["chapter"])
    login(roles["admin"])
    assert upload(client, f"/events/{event.id}/cover", image_bytes()).status_code == 302
    logout()
    response = client.get(f"/events/{event.id}/cover/1/card.webp")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("public")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# Lists stay cheap


def test_event_lists_run_the_same_queries_with_covers_as_without(
    client, roles, create_event, create_chapter, count_queries
):
    chapters = [roles["chapter"], roles["other_chapter"], create_chapter("Leeds")]
    events = [create_event(chapter) for chapter in chapters for _ in range(2)]
    pages = ["/events", "/", "/chapters/birmingham"]
    before = {}
    for page in pages:
        with count_queries() as counted:
            assert client.get(page).status_code == 200
        before[page] = counted.count
    cover = services.process_cover(image_bytes())
    services.set_cover(chapters[0], cover)
    for event in events[2:]:
        services.set_cover(event, cover)
    db.session.commit()
    for page in pages:
        with count_queries() as counted:
            html = client.get(page).text
        assert counted.count == before[page], page
        assert not any("cover_pictures" in statement for statement in counted.statements)
        assert "/cover/1/card.webp" in html


def test_a_cover_in_a_size_there_is_not_is_not_found(client, login, roles):
    login(roles["organiser"])
    assert upload(client, "/chapters/birmingham/cover", image_bytes()).status_code == 302
    assert client.get("/chapters/birmingham/cover/1/huge.webp").status_code == 404


def test_the_drawn_card_cover_is_a_strip_and_other_shapes_are_not_found(client, roles):
    card = client.get("/chapters/birmingham/drawn-cover/card.svg")
    assert card.status_code == 200 and 'viewBox="0 0 1600 400"' in card.text
    assert client.get("/chapters/birmingham/drawn-cover/huge.svg").status_code == 404
