#!/usr/bin/python3
"""Render sslstress HTML reports in headless Chromium; check the pictures drew.

  tests/scripts/render-html.py REPORT.html[=COLOUR,COLOUR...]...

Each report is rendered by Debian's chromium (--headless --screenshot, a
window 1200 CSS px wide and HEIGHT tall, default 3000, drawn at half
scale so that there are fewer pixels to read) and the PNG read back here
(the standard library's zlib; no imaging package).  A report
passes when the page is not blank and its pictures are there: at least 1%
of the pixels are not white, and each COLOUR (#rrggbb) named after the
file covers at least 100 pixels (400 CSS px).  The colours are fills that only the SVG
pictures use (a throughput bar, a timeline box), so a page whose SVG did
not render, or rendered at zero size, fails even though its text shows.
Exit 0 every report passed; 1 one did not; 77 chromium is missing (the
caller says the test was skipped)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HEIGHT = int(os.environ.get("HEIGHT", "3000"))
MIN_PIXELS = 100


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("%s: not 8-bit RGB/RGBA non-interlaced" % path)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def colour(hexstr):
    h = hexstr.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def screenshot(html, png):
    profile = tempfile.mkdtemp(prefix="render-html-")
    try:
        r = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--hide-scrollbars",
             "--force-color-profile=srgb", "--force-device-scale-factor=0.5",
             "--user-data-dir=" + profile,
             "--screenshot=" + png, "--window-size=1200,%d" % HEIGHT,
             "file://" + os.path.abspath(html)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.exists(png):
        raise RuntimeError("chromium wrote no screenshot (exit %d):\n%s"
                           % (r.returncode, r.stdout.decode(errors="replace")))


def check(spec, tmp):
    html, _, cols = spec.partition("=")
    want = [colour(c) for c in cols.split(",") if c]
    png = os.path.join(tmp, os.path.basename(html) + ".png")
    screenshot(html, png)
    w, h, rows = read_png(png)
    inked = 0
    found = [0] * len(want)
    for row in rows:
        for px in row:
            if px != (255, 255, 255):
                inked += 1
            for k, c in enumerate(want):
                if all(abs(px[i] - c[i]) <= 2 for i in range(3)):
                    found[k] += 1
    ok = inked * 100 >= w * h
    words = ["%s: %dx%d, %.1f%% of the pixels not white"
             % (html, w, h, 100.0 * inked / (w * h))]
    for k, c in enumerate(want):
        words.append("#%02x%02x%02x: %d px" % (c + (found[k],)))
        ok = ok and found[k] >= MIN_PIXELS
    print(", ".join(words) + (": ok" if ok else ": BLANK or picture missing"))
    return ok


def main(argv):
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not os.access(CHROMIUM, os.X_OK):
        print("render-html: %s not found (apt-get install chromium)"
              % CHROMIUM, file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="render-html-png-")
    try:
        bad = sum(0 if check(spec, tmp) else 1 for spec in argv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
