"""Badge images, Open Badges 3.0 baking (PNG iTXt / SVG element), QR codes and the PDF certificate.

No Django import. Extraction reads untrusted files: the PNG is walked chunk by chunk (pixels are
never decoded, so an image decompression bomb costs nothing), a compressed iTXt is inflated with
a bound, and an SVG with a DOCTYPE or an entity is refused before XML parsing.
"""
from __future__ import annotations

import io
import struct
import zlib
from html import escape
from xml.etree import ElementTree

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ITXT_KEYWORD = b"openbadgecredential"
OB_SVG_NS = "https://purl.imsglobal.org/ob/v3p0"
MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_CHUNKS = 10_000


class BakingError(ValueError):
    """No credential could be read from the file (with the reason, in English). ``kind`` says what the file
    looked like ("png", "svg", "json", "unsupported"; "too_large" for ``TooLargeError``), for pages that
    explain in the reader's language."""

    kind = "unsupported"


class TooLargeError(BakingError):
    """The file, or the credential baked into it, exceeds the size limits."""

    kind = "too_large"


# ------------------------------------------------------------------------------ badge image
def _initials(name: str) -> str:
    words = [w for w in name.replace("—", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:3]).upper() or "FS"


# The caption (the achievement's name) sits inside the gold ring (inner edge at radius 161 of 400): each line has
# the width of the ring's chord at its height, less a margin, so no caption runs over the ring, whatever the name.
CAPTION_SIZE = 19
ONE_LINE = ((282, 250),)  # (baseline y, widest text allowed there)
TWO_LINES = ((266, 268), (291, 234))


def _fit(text: str, width: float, measure) -> str:
    """``text`` cut with an ellipsis so that it measures at most ``width``."""
    if measure(text) <= width:
        return text
    while text and measure(text.rstrip() + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def caption_lines(name: str, measure) -> list[tuple[int, str]]:
    """The name as (baseline y, text) lines that fit inside the ring: one line, else two (split after an em dash
    when both halves fit, else word by word), the second cut with an ellipsis if the name is longer still.
    ``measure(text)`` is the text's width in the 400-unit badge at ``CAPTION_SIZE``."""
    name = " ".join(name.split())
    if measure(name) <= ONE_LINE[0][1]:
        return [(ONE_LINE[0][0], name)]
    (y1, w1), (y2, w2) = TWO_LINES
    if " — " in name:
        head, tail = name.split(" — ", 1)
        if measure(head + " —") <= w1 and measure(tail) <= w2:
            return [(y1, head + " —"), (y2, tail)]
    words = name.split(" ")
    line = words.pop(0)
    while words and measure(line + " " + words[0]) <= w1:
        line += " " + words.pop(0)
    lines = [(y1, _fit(line, w1, measure))]
    if words:
        lines.append((y2, _fit(" ".join(words), w2, measure)))
    return lines


def _caption_measure():
    """Widths as DejaVu Sans draws them: wider than the Helvetica/Arial the SVG asks for, so a line measured to
    fit here fits in any of them."""
    font = _font(CAPTION_SIZE, bold=False)
    return lambda text: font.getlength(text)


def badge_svg(name: str, colour: str = "#6d28d9", size: int = 400) -> str:
    """A round badge with the achievement's initials and name (valid standalone SVG)."""
    title = escape(name)
    caption = "".join(
        f'<text x="200" y="{y}" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="{CAPTION_SIZE}" fill="#ffffff">{escape(line)}</text>'
        for y, line in caption_lines(name, _caption_measure()))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 400 400" '
        f'role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<circle cx="200" cy="200" r="190" fill="{escape(colour)}"/>'
        '<circle cx="200" cy="200" r="165" fill="none" stroke="#ffd36b" stroke-width="8"/>'
        '<text x="200" y="215" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="110" font-weight="700" fill="#ffffff">{escape(_initials(name))}</text>'
        f"{caption}"
        '<text x="200" y="110" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
        'font-size="20" letter-spacing="3" fill="#ffd36b">FLOW STAGE</text>'
        "</svg>"
    )


def _font(size: int, bold: bool = True):
    from PIL import ImageFont

    names = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold else ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    for path in (f"/usr/share/fonts/truetype/dejavu/{names[0]}", f"/usr/share/fonts/truetype/liberation/{names[1]}"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def badge_png(name: str, colour: str = "#6d28d9", size: int = 400) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 400
    d.ellipse([10 * s, 10 * s, 390 * s, 390 * s], fill=colour)
    d.ellipse([35 * s, 35 * s, 365 * s, 365 * s], outline="#ffd36b", width=max(1, int(8 * s)))
    d.text((200 * s, 175 * s), _initials(name), fill="white", font=_font(int(110 * s)), anchor="mm")
    caption_font = _font(max(1, int(CAPTION_SIZE * s)), bold=False)
    for y, line in caption_lines(name, _caption_measure()):
        d.text((200 * s, y * s), line, fill="white", font=caption_font, anchor="ms")  # y: the baseline, as in SVG
    d.text((200 * s, 100 * s), "FLOW STAGE", fill="#ffd36b", font=_font(int(20 * s)), anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


# ------------------------------------------------------------------------------ baking
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bake_png(png: bytes, credential_json: str) -> bytes:
    """Insert an uncompressed ``iTXt`` chunk ``openbadgecredential`` before IEND (OB 3.0 §5.3)."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG")
    text = credential_json.encode("utf-8")
    # keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, text
    itxt = _chunk(b"iTXt", ITXT_KEYWORD + b"\x00\x00\x00\x00\x00" + text)
    # Drop an existing credential chunk, then insert before IEND.
    chunks, pos = [], len(PNG_SIGNATURE)
    for kind, start, end, data in _walk_png(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == ITXT_KEYWORD:
            continue
        if kind == b"IEND":
            chunks.append(itxt)
        chunks.append(png[start:end])
        pos = end
    del pos
    return PNG_SIGNATURE + b"".join(chunks)


def _walk_png(data: bytes):
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    pos, count = len(PNG_SIGNATURE), 0
    while pos < len(data):
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("too many PNG chunks")
        if pos + 8 > len(data):
            raise BakingError("truncated PNG chunk header")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise BakingError("truncated or oversized PNG chunk")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise BakingError(f"bad CRC in PNG chunk {kind!r}")
        yield kind, pos, end, body
        pos = end
        if kind == b"IEND":
            return
    raise BakingError("PNG without IEND")


def extract_from_png(data: bytes) -> str:
    """The credential JSON of a baked PNG (``BakingError`` with the reason otherwise)."""
    for kind, _s, _e, body in _walk_png(data):
        if kind != b"iTXt":
            continue
        keyword, _, rest = body.partition(b"\x00")
        if keyword != ITXT_KEYWORD:
            continue
        if len(rest) < 2:
            raise BakingError("malformed iTXt chunk")
        compressed, method, rest = rest[0], rest[1], rest[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        if compressed:
            if method != 0:
                raise BakingError("unknown iTXt compression method")
            inflater = zlib.decompressobj()
            try:
                text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
            except zlib.error as exc:
                raise BakingError(f"iTXt chunk does not inflate: {exc}") from exc
            if len(text) > MAX_CREDENTIAL_BYTES or inflater.unconsumed_tail:
                raise TooLargeError("the baked credential is too large once decompressed")
        if len(text) > MAX_CREDENTIAL_BYTES:
            raise TooLargeError("the baked credential is too large")
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BakingError("the baked credential is not UTF-8 text") from exc
    raise BakingError("no openbadgecredential iTXt chunk in this PNG")


def bake_svg(svg: str, credential_json: str) -> str:
    """Add ``<openbadges:credential>`` holding the credential JSON (OB 3.0 §5.3.2)."""
    i = svg.find("<svg")
    j = svg.find(">", i)
    if i < 0 or j < 0:
        raise BakingError("not an SVG document")
    head = svg[i:j]
    if "xmlns:openbadges" not in head:
        head += f' xmlns:openbadges="{OB_SVG_NS}"'
    safe = credential_json.replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:credential><![CDATA[{safe}]]></openbadges:credential>"
    return svg[:i] + head + ">" + element + svg[j + 1:]


def extract_from_svg(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise TooLargeError("the SVG file is too large")
    upper = data[:MAX_FILE_BYTES].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise BakingError("SVG with a DOCTYPE or entities is refused")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise BakingError(f"not well-formed XML: {exc}") from exc
    el = root.find(f".//{{{OB_SVG_NS}}}credential")
    if el is None:
        raise BakingError("no openbadges:credential element in this SVG")
    text = "".join(el.itertext()).strip()
    if not text:
        verify = el.get("verify")
        raise BakingError("the openbadges:credential element holds no credential"
                          + (f" (hosted at {verify})" if verify else ""))
    return text


def extract_credential(data: bytes) -> str:
    """Credential JSON from uploaded bytes: JSON, a baked PNG or a baked SVG."""
    if len(data) > MAX_FILE_BYTES:
        raise TooLargeError(f"file too large ({len(data)} bytes, limit {MAX_FILE_BYTES})")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = "png" if data.startswith(PNG_SIGNATURE) else "json" if head.startswith(b"{") else \
        "svg" if head.startswith(b"<") else "unsupported"
    try:
        if kind == "png":
            return extract_from_png(data)
        if kind == "json":
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise BakingError("the JSON file is not UTF-8") from exc
        if kind == "svg":
            return extract_from_svg(data)
        raise BakingError("unsupported file: upload the credential JSON, a baked PNG or a baked SVG")
    except TooLargeError:
        raise
    except BakingError as exc:
        exc.kind = kind
        raise


# ------------------------------------------------------------------------------ QR codes
def _qr(data: str):
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_png(data: str, box_size: int = 10) -> bytes:
    """The QR code as a black and white PNG, ``box_size`` pixels a module: the image qrcode's PIL factory draws (the
    same bytes, tests/badges/test_badge_artwork.py), made by scaling the one-pixel-a-module image instead of
    drawing each module's rectangle (a quarter of the time of a credential's QR code)."""
    from PIL import Image

    matrix = _qr(data).get_matrix()  # with the quiet zone (border)
    size = len(matrix)
    modules = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in matrix for dark in row))
    img = modules.convert("1").resize((size * box_size, size * box_size), Image.NEAREST)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def qr_svg(data: str) -> str:
    from qrcode.image.svg import SvgPathImage

    img = _qr(data).make_image(image_factory=SvgPathImage)
    out = io.BytesIO()
    img.save(out)
    return out.getvalue().decode("utf-8")


def qr_matrix(data: str) -> list[list[bool]]:
    return _qr(data).get_matrix()


# ------------------------------------------------------------------------------ PDF certificate
def pdf_fonts() -> tuple[str, str]:
    """The (regular, bold) fonts of the platform's PDFs: DejaVu Sans (every accent, €, …) when installed, else the
    standard Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
        return "DejaVu", "DejaVu-Bold"
    except Exception:  # noqa: BLE001 - fall back to the standard fonts
        return "Helvetica", "Helvetica-Bold"


CERTIFICATE_QR_POINTS = 130  # each QR code's printed side on the certificate (45.9 mm, quiet zone included)


def qr_module_mm(data: str, side_points: float = CERTIFICATE_QR_POINTS) -> tuple[int, float]:
    """(QR version, printed size of one module in mm) of ``data`` drawn ``side_points`` wide with its quiet zone."""
    qr = _qr(data)
    modules = len(qr.get_matrix())  # the symbol and its 4-module quiet zone on each side
    return qr.version, side_points * 25.4 / 72 / modules


def certificate_pdf(*, title: str, holder: str, achievement: str, description: str, issuer: str,
                    issued_on: str, valid_until: str, verify_url: str, labels: dict, badge_png_bytes: bytes | None = None,
                    offline_qr: str = "") -> bytes:
    """A printable A4 landscape certificate with the QR code of the verification URL and, given ``offline_qr``
    (badges.compact's signed text), the QR code that verifies offline, each captioned (``labels["qr_link"]``,
    ``labels["qr_offline"]``)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    regular, bold = pdf_fonts()
    buf = io.BytesIO()
    w, h = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(w, h))
    c.setTitle(title)
    c.setAuthor(issuer)
    violet, gold = HexColor("#4c1d95"), HexColor("#d4a017")
    c.setStrokeColor(violet)
    c.setLineWidth(6)
    c.rect(20, 20, w - 40, h - 40)
    c.setStrokeColor(gold)
    c.setLineWidth(1.5)
    c.rect(32, 32, w - 64, h - 64)
    c.setFillColor(violet)
    c.setFont(bold, 14)
    c.drawCentredString(w / 2, h - 80, issuer.upper())
    c.setFont(bold, 34)
    c.drawCentredString(w / 2, h - 135, labels["certificate"])
    c.setFillColor(HexColor("#111827"))
    c.setFont(regular, 14)
    c.drawCentredString(w / 2, h - 180, labels["awarded_to"])
    c.setFont(bold, 28)
    c.drawCentredString(w / 2, h - 220, holder)
    c.setFont(regular, 14)
    c.drawCentredString(w / 2, h - 255, labels["for"])
    c.setFont(bold, 22)
    c.setFillColor(violet)
    c.drawCentredString(w / 2, h - 290, achievement)
    c.setFillColor(HexColor("#374151"))
    c.setFont(regular, 11)
    y = h - 320
    line = ""
    for word in description.split():
        if c.stringWidth(line + " " + word, regular, 11) > w - 320:
            c.drawCentredString(w / 2, y, line.strip())
            y -= 15
            line = ""
            if y < 170:
                break
        line += " " + word
    if line and y >= 170:
        c.drawCentredString(w / 2, y, line.strip())
    c.setFont(regular, 11)
    c.setFillColor(HexColor("#111827"))
    c.drawString(70, 110, f"{labels['issued_on']} {issued_on}")
    if valid_until:
        c.drawString(70, 94, f"{labels['valid_until']} {valid_until}")
    c.setFont(regular, 9)
    c.drawString(70, 70, f"{labels['verify']} {verify_url}")
    side = CERTIFICATE_QR_POINTS
    codes = ([(offline_qr, labels.get("qr_offline", ""))] if offline_qr else []) + [(verify_url, labels.get("qr_link", ""))]
    for i, (data, caption) in enumerate(reversed(codes)):
        x = w - 60 - side - i * (side + 20)
        c.drawImage(ImageReader(io.BytesIO(qr_png(data, box_size=8))), x, 55, width=side, height=side)
        if caption:
            c.setFont(regular, 8)
            c.drawCentredString(x + side / 2, 46, caption)
    if badge_png_bytes:
        c.drawImage(ImageReader(io.BytesIO(badge_png_bytes)), 60, h - 190, width=110, height=110, mask="auto")
    c.showPage()
    c.save()
    return buf.getvalue()
