#!/usr/bin/env python3
"""Checks that a PNG screenshot is not blank: decodes it with the standard library only (zlib, no
Pillow) and requires at least MIN_SHARE of the pixels to differ from the top-left (background) pixel
and at least MIN_COLOURS distinct colours. Prints what it measured; exit 1 when blank.

Usage: png_nonblank.py FILE.png
"""
import struct
import sys
import zlib

MIN_SHARE = 0.01
MIN_COLOURS = 16


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            upper_left = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[x] = (line[x] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = decode(sys.argv[1])
    background = rows[0][:3]
    differing, colours = 0, set()
    for row in rows:
        for x in range(0, len(row), channels):
            pixel = row[x : x + 3]
            colours.add(pixel)
            if pixel != background:
                differing += 1
    share = differing / float(width * height)
    print(f"{sys.argv[1]}: {width}x{height}, {share:.1%} non-background pixels, {len(colours)} colours")
    if share < MIN_SHARE or len(colours) < MIN_COLOURS:
        print("blank screenshot", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
