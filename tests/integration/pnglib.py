"""tests/integration/pnglib.py: the pixels of an 8-bit RGB(A) PNG, read
with zlib alone (the tests look at pictures as a user would)."""
import re
import struct
import zipfile
import zlib


def png_pixels(path):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB(A) PNG."""
    return png_decode(open(path, "rb").read())


def png_decode(data):
    """png_pixels of the bytes of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def xlsx_pictures(path):
    """[(col, row, (w, h, bpp, rows))] of the pictures in a workbook, in
    the order of its drawing's anchors."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        draw = [n for n in names if re.match(r"xl/drawings/drawing\d+\.xml$",
                                             n)]
        if not draw:
            return []
        d = z.read(draw[0]).decode()
        rels = z.read(draw[0].replace("drawings/", "drawings/_rels/") +
                      ".rels").decode()
        target = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        out = []
        for anchor in re.findall(r"<xdr:(?:two|one)CellAnchor.*?</xdr:"
                                 r"(?:two|one)CellAnchor>", d, re.S):
            col = int(re.search(r"<xdr:col>(\d+)", anchor).group(1))
            row = int(re.search(r"<xdr:row>(\d+)", anchor).group(1))
            emb = re.search(r'r:embed="([^"]+)"', anchor)
            if not emb:
                continue
            media = "xl/" + target[emb.group(1)].replace("../", "")
            out.append((col, row, png_decode(z.read(media))))
        return out


def count_px(pic, pred):
    w, h, bpp, rows = pic
    return sum(1 for r in rows for i in range(0, w * bpp, bpp)
               if pred(r[i], r[i + 1], r[i + 2]))

