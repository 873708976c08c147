#!/usr/bin/python3
"""Render sslstress HTML reports in headless Chromium; check the pictures drew.

  tests/scripts/render-html.py [!]REPORT.html=COLOUR[,COLOUR...]...

Each report is rendered twice by Debian's chromium (--headless
--screenshot, a window 1200 CSS px wide and HEIGHT tall, default 3000,
drawn at half scale so that there are fewer pixels to read): as it
is, and as its twin, the same page with every <svg>...</svg> taken out.
The PNGs are read back here (the standard library's zlib; no imaging
package).  A report passes when

  - the page is not blank: at least 1% of its pixels are not white, and
  - its pictures drew: each COLOUR (#rrggbb, within 2 per channel) covers
    at least MIN_PIXELS (100) more pixels in the page than in its twin.

The difference is what makes the check sound: a colour the page also
uses outside its pictures (a verdict badge's green) counts only for the
pixels the pictures add, so a page whose SVG did not render, or rendered
at zero size, fails even though its text and badges show.

A spec that starts with "!" is a control: that report must fail the
check (a page stripped of its pictures, or with pictures of zero size).
The renderings run at once, a few Chromiums at a time, each distinct page
once.
Prints one line per report.  Exit 0 every report passed and every control
failed; 1 otherwise; 2 usage; 77 chromium is missing (the caller says the
test was skipped)."""
import concurrent.futures
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HEIGHT = int(os.environ.get("HEIGHT", "3000"))
WIDTH = 1200
SCALE = 0.5             # Chromium draws no smaller
MIN_PIXELS = 100
TOLERANCE = 2
WORKERS = 4


def unfilter(raw, w, h, bpp):
    """The pixel bytes of a PNG's decompressed image data (the five row
    filters of the PNG specification, section 9)."""
    stride = w * bpp
    # None, Sub, Up, Average, Paeth.  Up is a byte-wise sum with the row
    # above, done on the whole row at once: adding the low 7 bits of each
    # byte cannot carry into the next byte; the top bits are an XOR.
    high = int.from_bytes(b"\x80" * stride, "big")
    low = ((1 << (8 * stride)) - 1) ^ high
    prev = bytes(stride)
    out = []
    for y in range(h):
        at = y * (stride + 1)
        ft, cur = raw[at], raw[at + 1:at + 1 + stride]
        if ft == 0:
            line = cur
        elif ft == 2:
            a, b = int.from_bytes(cur, "big"), int.from_bytes(prev, "big")
            line = (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(
                stride, "big")
        else:
            line = bytearray(cur)
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up = prev[i]
                if ft == 1:
                    pred = left
                elif ft == 3:
                    pred = (left + up) // 2
                elif ft == 4:
                    ul = prev[i - bpp] if i >= bpp else 0
                    p = left + up - ul
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                    pred = (left if pa <= pb and pa <= pc
                            else up if pb <= pc else ul)
                else:
                    raise ValueError("PNG row filter %d" % ft)
                line[i] = (line[i] + pred) & 255
            line = bytes(line)
        out.append(line)
        prev = line
    return b"".join(out)


def colours_of_png(path):
    """(pixels, Counter of (r, g, b)) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("%s: not 8-bit RGB/RGBA non-interlaced" % path)
    bpp = 3 if ctype == 2 else 4
    px = unfilter(zlib.decompress(b"".join(idat)), w, h, bpp)
    return w * h, Counter(zip(px[0::bpp], px[1::bpp], px[2::bpp]))


def colour(hexstr):
    h = hexstr.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        raise ValueError("not a #rrggbb colour: %s" % hexstr)
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def near(counts, c):
    """Pixels within TOLERANCE of colour |c| in each channel."""
    return sum(n for px, n in counts.items()
               if all(abs(px[i] - c[i]) <= TOLERANCE for i in range(3)))


def render(html, png):
    """Screenshot |html| into |png|; an error names what chromium said."""
    profile = tempfile.mkdtemp(prefix="render-html-")
    try:
        r = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--hide-scrollbars",
             "--force-color-profile=srgb",
             "--force-device-scale-factor=%g" % SCALE,
             "--user-data-dir=" + profile,
             "--screenshot=" + png, "--window-size=%d,%d" % (WIDTH, HEIGHT),
             "file://" + os.path.abspath(html)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.exists(png):
        raise RuntimeError("%s: chromium wrote no screenshot (exit %d):\n%s"
                           % (html, r.returncode,
                              r.stdout.decode(errors="replace")))
    return colours_of_png(png)


def without_pictures(html, out):
    """Write |html| with every <svg> element taken out (the report's
    pictures never nest) to |out|."""
    with open(html, encoding="utf-8") as f:
        text = f.read()
    with open(out, "w", encoding="utf-8") as f:
        f.write(re.sub(r"<svg\b.*?</svg>", "", text, flags=re.S))


def main(argv):
    if not argv or any("=" not in a for a in argv):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not os.access(CHROMIUM, os.X_OK):
        print("render-html: %s not found (apt-get install chromium)"
              % CHROMIUM, file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="render-html-png-")
    try:
        specs = []
        for k, arg in enumerate(argv):
            control = arg.startswith("!")
            html, _, cols = arg.lstrip("!").partition("=")
            twin = os.path.join(tmp, "%d-twin.html" % k)
            without_pictures(html, twin)
            specs.append((control, html, twin,
                          [colour(c) for c in cols.split(",") if c]))
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            # one rendering per distinct page: a control's twin is often
            # its report's
            seen = {}

            def job(html):
                with open(html, "rb") as f:
                    key = hashlib.sha256(f.read()).hexdigest()
                if key not in seen:
                    seen[key] = pool.submit(
                        render, html, os.path.join(tmp, key + ".png"))
                return seen[key]
            jobs = [(job(html), job(twin)) for _, html, twin, _ in specs]
            bad = 0
            for (control, html, _, want), (page, twin) in zip(specs, jobs):
                (npx, counts), (_, twin_counts) = page.result(), twin.result()
                inked = npx - counts[(255, 255, 255)]
                ok = inked * 100 >= npx
                words = ["%s%s: %.1f%% of the pixels not white"
                         % ("control " if control else "", html,
                            100.0 * inked / npx)]
                for c in want:
                    drawn = near(counts, c) - near(twin_counts, c)
                    words.append("#%02x%02x%02x: %d px in pictures"
                                 % (c + (drawn,)))
                    ok = ok and drawn >= MIN_PIXELS
                if control:
                    verdict = ("caught, as it must be" if not ok
                               else "PASSED, but it has no pictures")
                else:
                    verdict = "ok" if ok else "BLANK or a picture missing"
                print(", ".join(words) + ": " + verdict)
                bad += ok == control
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
