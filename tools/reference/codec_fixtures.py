#!/usr/bin/env python3
"""Small .npy / TIFF / PNG files built by hand from the format specifications (struct + zlib only),
so our readers are tested against files no code of ours wrote. Pixel (x, y) of every file holds
value(x, y) = (7*x + 13*y) % 251 (times a per-file factor, see NAMES below); the C# tests recompute
that formula. Writes tests/StmKernel.Imaging.Tests/Fixtures/codecs/. Never run by CI.
"""
import os, struct, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "StmKernel.Imaging.Tests", "Fixtures", "codecs")
W, H = 7, 5


def value(x, y):
    return (7 * x + 13 * y) % 251


def npy(name, descr, fmt, fortran=False, scale=1):
    order = [(x, y) for x in range(W) for y in range(H)] if fortran else [(x, y) for y in range(H) for x in range(W)]
    data = b"".join(struct.pack(fmt, value(x, y) * scale) for x, y in order)
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%d, %d), }" % (descr, "True" if fortran else "False", H, W)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data)


def tiff(name, big_endian, bits, sample_format, compression, rows_per_strip):
    e = ">" if big_endian else "<"
    code = {(16, 1): "H", (32, 3): "f", (8, 1): "B"}[(bits, sample_format)]
    strips = []
    for y0 in range(0, H, rows_per_strip):
        raw = b"".join(struct.pack(e + code, value(x, y)) for y in range(y0, min(H, y0 + rows_per_strip)) for x in range(W))
        strips.append(zlib.compress(raw) if compression == 8 else raw)
    n = len(strips)
    entries = [(256, 3, 1, W), (257, 3, 1, H), (258, 3, 1, bits), (259, 3, 1, compression), (262, 3, 1, 1),
               (273, 4, n, None), (277, 3, 1, 1), (278, 3, 1, rows_per_strip), (279, 4, n, None), (339, 3, 1, sample_format)]
    ifd_at = 8
    ifd_len = 2 + 12 * len(entries) + 4
    arrays_at = ifd_at + ifd_len
    offsets_at, counts_at = arrays_at, arrays_at + 4 * n
    data_at = counts_at + 4 * n
    offsets, p = [], data_at
    for s in strips:
        offsets.append(p); p += len(s)
    out = (b"MM\x00\x2a" if big_endian else b"II\x2a\x00") + struct.pack(e + "I", ifd_at) + struct.pack(e + "H", len(entries))
    for tag, typ, count, val in entries:
        if tag == 273:
            v = struct.pack(e + "I", offsets[0] if n == 1 else offsets_at)
        elif tag == 279:
            v = struct.pack(e + "I", len(strips[0]) if n == 1 else counts_at)
        else:
            v = struct.pack(e + "HH", val, 0)
        out += struct.pack(e + "HHI", tag, typ, count) + v
    out += struct.pack(e + "I", 0)
    out += b"".join(struct.pack(e + "I", o) for o in offsets) + b"".join(struct.pack(e + "I", len(s)) for s in strips)
    out += b"".join(strips)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(out)


def png_chunk(t, body):
    return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def png(name, colour, depth):
    """Rows use filters 0,1,2,3,4,0,… in turn so every filter is exercised."""
    chans = {0: 1, 2: 3, 4: 2}[colour]
    bpp = chans * depth // 8
    rows = []
    for y in range(H):
        px = []
        for x in range(W):
            v = value(x, y)
            g = v * 257 if depth == 16 else v
            samples = {0: [g], 2: [g, g, g], 4: [g, 200 if depth == 8 else 51400]}[colour]
            for s in samples:
                px += list(struct.pack(">H", s)) if depth == 16 else [s]
        rows.append(px)
    raw, prev = b"", [0] * (W * bpp)
    for y, row in enumerate(rows):
        f = y % 5
        out = []
        for i, v in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
            out.append((v - pred) & 0xFF)
        raw += bytes([f] + out)
        prev = row
    ihdr = struct.pack(">IIBBBBB", W, H, depth, colour, 0, 0, 0)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def main():
    os.makedirs(OUT, exist_ok=True)
    npy("f8_be.npy", ">f8", ">d")
    npy("f4_le_fortran.npy", "<f4", "<f", fortran=True)
    npy("i2_be.npy", ">i2", ">h", scale=-1)
    npy("i4_le.npy", "<i4", "<i", scale=-1000)
    npy("u2_le.npy", "<u2", "<H")
    tiff("u16_be_2strips.tif", True, 16, 1, 1, 3)
    tiff("f32_le_deflate.tif", False, 32, 3, 8, 2)
    tiff("u8_le.tif", False, 8, 1, 1, 5)
    png("gray8.png", 0, 8)
    png("gray16.png", 0, 16)
    png("rgb8.png", 2, 8)
    png("graya8.png", 4, 8)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
