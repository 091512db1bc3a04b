"""The badge artwork's caption stays inside its gold ring, whatever the achievement's name (issue 15 item 11)."""
import io
import math
import re

import pytest
from PIL import Image

from badges import media

NAMES = ["Audio Engineer — Flow Stage Ready", "Stage Lighting Safety", "Sécurité de l’éclairage scénique",
         "Internship completed — Assistant Ingénieur FOH chez Sonotec Live", "Mixage façade live : méthode et "
         "gain staging", "W" * 60, "AV"]
RING_INNER = 161  # radius 165, stroke 8: the inner edge of the gold ring


@pytest.mark.parametrize("name", NAMES)
def test_every_caption_line_fits_the_ring_chord_at_its_height(name):
    measure = media._caption_measure()
    lines = media.caption_lines(name, measure)
    assert 1 <= len(lines) <= 2
    for y, text in lines:
        # the line's box: from the cap height above the baseline to the descent below it
        top, bottom = y - 0.75 * media.CAPTION_SIZE, y + 0.25 * media.CAPTION_SIZE
        far = max(abs(top - 200), abs(bottom - 200))
        chord = 2 * math.sqrt(RING_INNER ** 2 - far ** 2)
        assert measure(text) <= chord - 8, (text, measure(text), chord)
    shown = " ".join(text for _y, text in lines)
    assert shown == " ".join(name.split()) or shown.endswith("…")  # the whole name, or visibly cut


@pytest.mark.parametrize("name", NAMES[:4])
def test_png_has_no_white_caption_pixel_on_or_outside_the_ring(name):
    img = Image.open(io.BytesIO(media.badge_png(name))).convert("RGBA")
    over = [(x, y) for x in range(400) for y in range(200, 400)
            if math.hypot(x - 200, y - 200) > RING_INNER - 1 and img.getpixel((x, y))[:3] == (255, 255, 255)]
    assert not over, over[:5]


def test_svg_caption_is_the_fitted_lines():
    svg = media.badge_svg("Audio Engineer — Flow Stage Ready")
    assert re.findall(r'font-size="19" fill="#ffffff">([^<]*)</text>', svg) == ["Audio Engineer —", "Flow Stage Ready"]
    assert "<title>Audio Engineer — Flow Stage Ready</title>" in svg  # the full name stays the image's title


@pytest.mark.parametrize("data", ["http://127.0.0.1:8000/b/Ab3dEf9h", "https://academy.example.org/b/" + "x" * 200,
                                  "é"])
@pytest.mark.parametrize("box_size", [1, 4, 10])
def test_the_qr_png_is_the_image_qrcode_draws(data, box_size):
    """``media.qr_png`` scales the one-pixel-a-module image instead of drawing each module: the same PNG bytes as
    qrcode's own PIL image, and it decodes back to the QR code's modules."""
    qr = media._qr(data)
    qr.box_size = box_size
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out)
    png = media.qr_png(data, box_size)
    assert png == out.getvalue()
    img = Image.open(io.BytesIO(png))
    matrix = qr.get_matrix()
    assert img.size == (len(matrix) * box_size,) * 2
    assert [[img.getpixel((c * box_size, r * box_size)) == 0 for c in range(len(matrix))]
            for r in range(len(matrix))] == matrix
