"""Profile pictures: only real images, no larger than 5 MB, no decompression bombs; metadata dropped,
cropped square and resized; uploaded, replaced and removed by their owner."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from flashmob.extensions import db
from flashmob.members.models import MemberProfile, ProfilePicture
from flashmob.members.profiles import pictures
from tests.members.conftest import csrf_token_from, field_error


def image_bytes(fmt: str = "PNG", size=(600, 400), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    Image.new(mode, size, (200, 30, 60)).save(out, fmt, **save)
    return out.getvalue()


def photo_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    return image_bytes("JPEG", exif=exif.tobytes())


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_each_accepted_format_becomes_a_small_square_webp(fmt):
    result = pictures.process_picture(image_bytes(fmt))
    with Image.open(io.BytesIO(result.data)) as image:
        assert image.format == "WEBP"
        assert image.size == (pictures.SIZE, pictures.SIZE)
    assert result.content_type == "image/webp"


def test_metadata_such_as_the_camera_and_location_is_dropped():
    original = photo_with_location()
    assert b"SecretCam" in original
    result = pictures.process_picture(original)
    assert b"SecretCam" not in result.data
    with Image.open(io.BytesIO(result.data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (50, 50), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    result = pictures.process_picture(out.getvalue())
    with Image.open(io.BytesIO(result.data)) as image:
        red, _, blue = image.convert("RGB").getpixel((128, 128))
        assert red > 200 and blue < 50


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Please choose a picture"),
        (b"GIF89a but not really a picture", "not a picture we can read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not a picture we can read"),
        (b"%PDF-1.4 a document", "not a picture we can read"),
        (b"x" * (5 * 1024 * 1024 + 1), "5 MB or less"),
    ],
)
def test_anything_else_is_refused_with_a_message_for_the_field(data, message):
    with pytest.raises(pictures.PictureError) as caught:
        pictures.process_picture(data)
    assert message in str(caught.value)
    assert caught.value.field == "picture"


def test_other_image_formats_are_refused():
    with pytest.raises(pictures.PictureError):
        pictures.process_picture(image_bytes("BMP"))
    with pytest.raises(pictures.PictureError):
        pictures.process_picture(image_bytes("TIFF"))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A small file that claims 30,000 x 30,000 pixels: 900 million, far past anything a camera makes.
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    data = out.getvalue()
    assert len(data) < pictures.MAX_BYTES
    with pytest.raises(pictures.PictureError) as caught:
        pictures.process_picture(data)
    assert "too large in pixels" in str(caught.value)


def test_a_picture_just_under_the_pixel_limit_of_an_odd_shape_is_refused_too():
    out = io.BytesIO()
    Image.new("1", (pictures.MAX_PIXELS // 100 + 1, 100)).save(out, "PNG")
    with pytest.raises(pictures.PictureError):
        pictures.process_picture(out.getvalue())


# Through the editor


def upload(client, data: bytes, name="me.png", **extra):
    return client.post(
        "/account/profile/picture",
        data={"picture": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_a_member_uploads_replaces_and_removes_their_picture(client, login, create_member):
    ada = login(create_member("Ada", visibility="everyone"))
    response = upload(client, image_bytes("PNG"))
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(MemberProfile, ada.id)
    assert profile.picture_version == 1
    page = client.get(f"/members/{ada.id}").text
    assert f'src="/members/{ada.id}/picture/1.webp"' in page
    first = client.get(f"/members/{ada.id}/picture/1.webp")
    assert first.status_code == 200 and first.data[:4] == b"RIFF"

    assert upload(client, image_bytes("JPEG")).status_code == 302
    assert client.get(f"/members/{ada.id}/picture/1.webp").status_code == 404  # the old address is gone
    assert client.get(f"/members/{ada.id}/picture/2.webp").status_code == 200

    assert "Remove my picture" in client.get("/account/profile").text
    response = client.post("/account/profile/picture/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MemberProfile, ada.id).picture_version is None
    assert db.session.get(ProfilePicture, ada.id) is None
    assert client.get(f"/members/{ada.id}/picture/2.webp").status_code == 404
    page = client.get(f"/members/{ada.id}").text
    assert "/picture/" not in page
    assert ">A</span>" in page  # initials instead


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a picture at all", "That file is not a picture we can read."),
        (b"\x89PNG" + b"x" * (5 * 1024 * 1024), "Please choose a picture of 5 MB or less."),
    ],
)
def test_a_bad_upload_is_a_422_with_the_reason_at_the_field(client, login, create_member, data, message):
    ada = login(create_member("Ada"))
    response = upload(client, data)
    assert response.status_code == 422
    assert message in field_error(response.text, "picture")
    db.session.expire_all()
    assert db.session.get(ProfilePicture, ada.id) is None


def test_posting_no_file_asks_for_one(client, login, create_member):
    login(create_member("Ada"))
    response = client.post("/account/profile/picture", data={})
    assert response.status_code == 422
    assert "Please choose a picture to upload." in response.text


def test_picture_changes_need_a_sign_in(client):
    response = upload(client, image_bytes())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.post("/account/profile/picture/remove").status_code == 302


def test_picture_changes_need_a_csrf_token(client, login, create_member, csrf_enabled):
    ada = login(create_member("Ada"))
    assert upload(client, image_bytes()).status_code == 400
    assert client.post("/account/profile/picture/remove").status_code == 400
    token = csrf_token_from(client.get("/account/profile").text)
    assert upload(client, image_bytes(), csrf_token=token).status_code == 302
    db.session.expire_all()
    assert db.session.get(MemberProfile, ada.id).picture_version == 1
