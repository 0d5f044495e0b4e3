"""Flat editorial illustrations for the demo newsroom, drawn with Pillow at load time.

Each motif (a stethoscope, a pill blister, a syringe, a hospital…) is drawn from
plain shapes in one of a few newsroom palettes, on a background whose
composition (where the motif sits, its size and tilt, the shapes behind it)
comes from a seed: two articles never share a picture, and the same seed
always gives the same picture.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from io import BytesIO

from PIL import Image, ImageDraw

# Wide enough for Google Discover (lead renditions of at least 1200 px); 1280 rather than
# 1600 halves the time the demo takes to draw and resize its pictures.
SIZE = (1280, 720)

# bg, soft (background shapes), main, accent, ink (outlines), light; name for the alt text.
PALETTES = {
    "verde": ("#dfeee6", "#b9dccb", "#1f7a5a", "#f2a541", "#16352b", "#ffffff", "verde"),
    "blu": ("#e3e9f5", "#c2cfea", "#2d4f9e", "#e4572e", "#14213d", "#ffffff", "azzurro"),
    "viola": ("#ece4f3", "#d6c4e8", "#6a3d9a", "#f3c13a", "#2a1640", "#ffffff", "lilla"),
    "corallo": ("#fbe6df", "#f5c5b6", "#c8553d", "#2a9d8f", "#3d1a12", "#ffffff", "rosa"),
    "ocra": ("#f8ecd4", "#efd3a0", "#b8741a", "#3d6b8c", "#3a2508", "#ffffff", "sabbia"),
    "petrolio": ("#dcecee", "#b3d6d9", "#17677a", "#ef8354", "#0d2f36", "#ffffff", "verde acqua"),
    "notte": ("#22304a", "#2f4266", "#e9c46a", "#e76f51", "#f1f3f8", "#f1f3f8", "blu notte"),
}


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


class Palette:
    def __init__(self, key: str):
        bg, soft, main, accent, ink, light, self.name = PALETTES[key]
        self.bg, self.soft, self.main = _rgb(bg), _rgb(soft), _rgb(main)
        self.accent, self.ink, self.light = _rgb(accent), _rgb(ink), _rgb(light)


def _bezier(points: list[tuple[float, float]], steps: int = 40) -> list[tuple[float, float]]:
    """Points along a quadratic or cubic Bézier curve."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        pts = points
        while len(pts) > 1:
            pts = [
                (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                for a, b in zip(pts, pts[1:], strict=False)
            ]
        out.append(pts[0])
    return out


def _circle(d: ImageDraw.ImageDraw, x, y, r, **kwargs) -> None:
    d.ellipse((x - r, y - r, x + r, y + r), **kwargs)


def stethoscope(d, cx, cy, s, p, rng):
    cy += 0.15 * s  # the earpieces stay clear of the top edge, even tilted
    w = max(8, int(s * 0.07))
    left, right = (cx - 0.42 * s, cy - 0.95 * s), (cx + 0.12 * s, cy - 0.95 * s)
    bottom = (cx - 0.15 * s, cy + 0.05 * s)
    d.line(_bezier([left, (cx - 0.5 * s, cy - 0.1 * s), bottom]), fill=p.ink, width=w)
    d.line(_bezier([right, (cx + 0.2 * s, cy - 0.1 * s), bottom]), fill=p.ink, width=w)
    end = (cx + 0.6 * s, cy + 0.45 * s)
    tube = _bezier([bottom, (cx - 0.2 * s, cy + 0.9 * s), (cx + 0.7 * s, cy + 0.95 * s), end])
    d.line(tube, fill=p.main, width=int(w * 1.3), joint="curve")
    for x, y in (left, right):
        _circle(d, x, y, w * 0.9, fill=p.accent)
    _circle(d, end[0], end[1] - 0.12 * s, 0.24 * s, fill=p.main)
    _circle(d, end[0], end[1] - 0.12 * s, 0.15 * s, fill=p.light)
    _circle(d, end[0], end[1] - 0.12 * s, 0.06 * s, fill=p.accent)


def pills(d, cx, cy, s, p, rng):
    box = (cx - 0.95 * s, cy - 0.55 * s, cx + 0.55 * s, cy + 0.55 * s)
    d.rounded_rectangle(box, radius=0.12 * s, fill=p.light, outline=p.ink, width=6)
    popped = {rng.randrange(8), rng.randrange(8)}
    for i in range(8):
        row, col = divmod(i, 4)
        x = box[0] + 0.22 * s + col * 0.35 * s
        y = box[1] + 0.3 * s + row * 0.5 * s
        if i in popped:
            d.ellipse(
                (x - 0.13 * s, y - 0.18 * s, x + 0.13 * s, y + 0.18 * s), outline=p.soft, width=5
            )
        else:
            d.ellipse((x - 0.13 * s, y - 0.18 * s, x + 0.13 * s, y + 0.18 * s), fill=p.main)
            d.ellipse((x - 0.07 * s, y - 0.13 * s, x - 0.01 * s, y - 0.02 * s), fill=p.light)
    # A loose two-tone capsule and a scored tablet.
    x, y = cx + 0.8 * s, cy + 0.55 * s
    d.rounded_rectangle(
        (x - 0.32 * s, y - 0.12 * s, x + 0.32 * s, y + 0.12 * s), radius=0.12 * s, fill=p.accent
    )
    d.pieslice((x - 0.32 * s, y - 0.12 * s, x - 0.08 * s, y + 0.12 * s), 90, 270, fill=p.main)
    d.rectangle((x - 0.2 * s, y - 0.12 * s, x, y + 0.12 * s), fill=p.main)
    _circle(d, cx + 0.85 * s, cy - 0.5 * s, 0.18 * s, fill=p.light, outline=p.ink, width=5)
    d.line((cx + 0.72 * s, cy - 0.5 * s, cx + 0.98 * s, cy - 0.5 * s), fill=p.ink, width=5)


def syringe(d, cx, cy, s, p, rng):
    top, bot = cy - 0.16 * s, cy + 0.16 * s
    d.rectangle((cx - 1.05 * s, cy - 0.04 * s, cx - 0.6 * s, cy + 0.04 * s), fill=p.ink)
    d.rounded_rectangle(
        (cx - 1.12 * s, top - 0.05 * s, cx - 1.04 * s, bot + 0.05 * s), radius=6, fill=p.ink
    )
    d.rounded_rectangle(
        (cx - 0.62 * s, top, cx + 0.45 * s, bot), radius=10, fill=p.light, outline=p.ink, width=6
    )
    d.rectangle((cx - 0.62 * s, top - 0.1 * s, cx - 0.56 * s, bot + 0.1 * s), fill=p.ink)
    level = cx - 0.1 * s + rng.uniform(-0.2, 0.2) * s
    d.rectangle((level, top + 6, cx + 0.45 * s - 6, bot - 6), fill=p.accent)
    for i in range(7):
        x = cx - 0.45 * s + i * 0.13 * s
        d.line((x, top, x, top + (0.12 if i % 2 else 0.07) * s), fill=p.ink, width=4)
    d.polygon(
        [
            (cx + 0.45 * s, top + 0.03 * s),
            (cx + 0.6 * s, cy - 0.05 * s),
            (cx + 0.6 * s, cy + 0.05 * s),
            (cx + 0.45 * s, bot - 0.03 * s),
        ],
        fill=p.main,
    )
    d.line((cx + 0.6 * s, cy, cx + 1.05 * s, cy), fill=p.ink, width=5)
    # A vial beside it.
    vx, vy = cx + 0.15 * s, cy + 0.62 * s
    d.rounded_rectangle(
        (vx - 0.16 * s, vy - 0.2 * s, vx + 0.16 * s, vy + 0.35 * s),
        radius=12,
        fill=p.light,
        outline=p.ink,
        width=5,
    )
    d.rectangle(
        (vx - 0.16 * s + 5, vy + 0.05 * s, vx + 0.16 * s - 5, vy + 0.35 * s - 5), fill=p.accent
    )
    d.rounded_rectangle(
        (vx - 0.12 * s, vy - 0.32 * s, vx + 0.12 * s, vy - 0.18 * s), radius=6, fill=p.main
    )


def hospital(d, cx, cy, s, p, rng):
    ground = cy + 0.85 * s
    d.rectangle(
        (cx - 1.1 * s, cy - 0.35 * s, cx + 1.1 * s, ground), fill=p.light, outline=p.ink, width=6
    )
    d.rectangle((cx - 0.32 * s, cy - 0.95 * s, cx + 0.32 * s, ground), fill=p.main)
    d.rectangle((cx - 0.07 * s, cy - 0.82 * s, cx + 0.07 * s, cy - 0.46 * s), fill=p.light)
    d.rectangle((cx - 0.18 * s, cy - 0.71 * s, cx + 0.18 * s, cy - 0.57 * s), fill=p.light)
    for side in (-1, 1):
        for row in range(3):
            for col in range(3):
                x = cx + side * (0.48 * s + col * 0.22 * s)
                y = cy - 0.2 * s + row * 0.28 * s
                lit = rng.random() < 0.3
                d.rectangle(
                    (x - 0.07 * s, y - 0.08 * s, x + 0.07 * s, y + 0.08 * s),
                    fill=p.accent if lit else p.soft,
                )
    d.rectangle((cx - 0.16 * s, ground - 0.38 * s, cx + 0.16 * s, ground), fill=p.light)
    d.line((cx, ground - 0.38 * s, cx, ground), fill=p.main, width=5)
    d.line((cx - 1.6 * s, ground, cx + 1.6 * s, ground), fill=p.ink, width=6)
    for x in (cx - 1.35 * s, cx + 1.35 * s):
        d.line((x, ground, x, ground - 0.35 * s), fill=p.ink, width=8)
        _circle(d, x, ground - 0.5 * s, 0.22 * s, fill=p.main)


def heart_ecg(d, cx, cy, s, p, rng):
    r = 0.75 * s
    for side in (-1, 1):
        _circle(d, cx + side * r * 0.48, cy - r * 0.3, r * 0.55, fill=p.main)
    d.polygon(
        [(cx - r * 1.0, cy - r * 0.12), (cx + r * 1.0, cy - r * 0.12), (cx, cy + r * 1.05)],
        fill=p.main,
    )
    width = SIZE[0]
    beat = [
        (0, 0),
        (0.08, 0),
        (0.1, -0.15),
        (0.12, 0),
        (0.16, 0),
        (0.18, 0.25),
        (0.21, -0.9),
        (0.24, 0.45),
        (0.27, 0),
        (0.33, 0),
        (0.36, -0.2),
        (0.4, 0),
    ]
    period = 0.9 * s
    start = cx - 3 * period
    points = []
    for k in range(6):
        for fx, fy in beat:
            points.append((start + (k + fx / 0.4) * period, cy + fy * 0.5 * s))
    points = [(x, y) for x, y in points if -50 < x < width + 50]
    d.line(points, fill=p.ink, width=9, joint="curve")


ITALY = [
    (0.10, 0.08), (0.25, 0.02), (0.42, 0.05), (0.55, 0.0), (0.65, 0.07), (0.73, 0.1),
    (0.70, 0.16), (0.62, 0.17), (0.60, 0.25), (0.64, 0.33), (0.71, 0.41), (0.78, 0.50),
    (0.86, 0.55), (0.84, 0.60), (0.93, 0.64), (1.0, 0.72), (0.98, 0.77), (0.90, 0.70),
    (0.85, 0.72), (0.85, 0.80), (0.80, 0.88), (0.76, 0.91), (0.74, 0.86), (0.76, 0.78),
    (0.72, 0.70), (0.64, 0.64), (0.56, 0.57), (0.47, 0.50), (0.40, 0.43), (0.35, 0.35),
    (0.30, 0.27), (0.22, 0.24), (0.12, 0.28), (0.08, 0.22), (0.05, 0.14),
]  # fmt: skip
SICILY = [(0.57, 0.93), (0.77, 0.90), (0.73, 1.05), (0.61, 1.0)]
SARDINIA = [(0.25, 0.57), (0.33, 0.56), (0.34, 0.75), (0.27, 0.78), (0.23, 0.67)]
CITIES = [
    (0.30, 0.13),
    (0.50, 0.45),
    (0.66, 0.64),
    (0.90, 0.67),
    (0.70, 0.98),
    (0.45, 0.25),
    (0.29, 0.66),
]


def italy(d, cx, cy, s, p, rng):
    scale = 2.0 * s
    ox, oy = cx - 0.55 * scale, cy - 0.52 * scale

    def place(points):
        return [(ox + x * scale, oy + y * scale) for x, y in points]

    for shape in (ITALY, SICILY, SARDINIA):
        d.polygon(place(shape), fill=p.main, outline=p.ink, width=5)
    picked = rng.sample(CITIES, 4)
    for (x0, y0), (x1, y1) in zip(place(picked), place(picked[1:]), strict=False):
        for t in range(0, 10, 2):
            a, b = t / 10, (t + 1) / 10
            d.line(
                (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                fill=p.light,
                width=5,
            )
    for x, y in place(picked):
        _circle(d, x, y, 0.09 * s, fill=p.light)
        _circle(d, x, y, 0.055 * s, fill=p.accent)


def chart(d, cx, cy, s, p, rng):
    left, right, base, top = cx - 1.1 * s, cx + 1.1 * s, cy + 0.8 * s, cy - 0.9 * s
    d.rounded_rectangle(
        (left - 0.15 * s, top - 0.1 * s, right + 0.15 * s, base + 0.15 * s), radius=24, fill=p.light
    )
    bars = 6
    heights = sorted(rng.uniform(0.25, 1.0) for _ in range(bars))
    if rng.random() < 0.4:
        heights.reverse()
    slot = (right - left) / bars
    tops = []
    for i, h in enumerate(heights):
        x0 = left + i * slot + slot * 0.18
        y = base - h * (base - top) * 0.85
        d.rectangle((x0, y, x0 + slot * 0.64, base), fill=p.main if i % 2 else p.soft)
        tops.append((x0 + slot * 0.32, y - 0.18 * s))
    d.line(tops, fill=p.accent, width=10, joint="curve")
    for x, y in tops:
        _circle(d, x, y, 14, fill=p.accent)
    d.line((left, base, right, base), fill=p.ink, width=6)
    d.line((left, base, left, top), fill=p.ink, width=6)


def dna(d, cx, cy, s, p, rng):
    turns, amp = 2.2, 0.45 * s
    ys = [cy - 1.05 * s + i * (2.1 * s) / 120 for i in range(121)]
    phase = rng.uniform(0, math.tau)
    strand_a = [
        (cx + amp * math.sin(phase + turns * math.tau * i / 120), y) for i, y in enumerate(ys)
    ]
    strand_b = [
        (cx - amp * math.sin(phase + turns * math.tau * i / 120), y) for i, y in enumerate(ys)
    ]
    for i in range(4, 121, 8):
        colour = p.accent if (i // 8) % 2 else p.soft
        d.line((strand_a[i], strand_b[i]), fill=colour, width=10)
    d.line(strand_a, fill=p.main, width=16, joint="curve")
    d.line(strand_b, fill=p.ink, width=16, joint="curve")


def vaccine(d, cx, cy, s, p, rng):
    # A shield with a check mark next to a vial.
    sx = cx - 0.45 * s
    shield = [
        (sx - 0.55 * s, cy - 0.7 * s),
        (sx, cy - 0.9 * s),
        (sx + 0.55 * s, cy - 0.7 * s),
        (sx + 0.5 * s, cy + 0.1 * s),
        (sx, cy + 0.85 * s),
        (sx - 0.5 * s, cy + 0.1 * s),
    ]
    d.polygon(shield, fill=p.main)
    d.line(
        [
            (sx - 0.25 * s, cy - 0.05 * s),
            (sx - 0.05 * s, cy + 0.2 * s),
            (sx + 0.3 * s, cy - 0.35 * s),
        ],
        fill=p.light,
        width=int(0.1 * s),
        joint="curve",
    )
    vx = cx + 0.6 * s
    d.rounded_rectangle(
        (vx - 0.25 * s, cy - 0.45 * s, vx + 0.25 * s, cy + 0.8 * s),
        radius=18,
        fill=p.light,
        outline=p.ink,
        width=6,
    )
    d.rectangle(
        (vx - 0.25 * s + 6, cy + 0.2 * s, vx + 0.25 * s - 6, cy + 0.8 * s - 6), fill=p.accent
    )
    d.rectangle((vx - 0.18 * s, cy - 0.58 * s, vx + 0.18 * s, cy - 0.45 * s), fill=p.ink)
    d.rounded_rectangle(
        (vx - 0.22 * s, cy - 0.8 * s, vx + 0.22 * s, cy - 0.58 * s), radius=10, fill=p.main
    )
    d.rectangle((vx - 0.25 * s + 6, cy - 0.25 * s, vx + 0.25 * s - 6, cy + 0.05 * s), fill=p.soft)


def home_care(d, cx, cy, s, p, rng):
    roof = [(cx - 1.0 * s, cy - 0.15 * s), (cx, cy - 1.0 * s), (cx + 1.0 * s, cy - 0.15 * s)]
    d.rectangle(
        (cx - 0.8 * s, cy - 0.3 * s, cx + 0.8 * s, cy + 0.85 * s),
        fill=p.light,
        outline=p.ink,
        width=6,
    )
    d.polygon(roof, fill=p.main)
    d.rectangle((cx + 0.45 * s, cy - 0.85 * s, cx + 0.62 * s, cy - 0.45 * s), fill=p.main)
    d.rounded_rectangle(
        (cx - 0.6 * s, cy + 0.25 * s, cx - 0.25 * s, cy + 0.85 * s), radius=8, fill=p.soft
    )
    # A cross in a circle, the sign of care at home.
    _circle(d, cx + 0.35 * s, cy + 0.25 * s, 0.3 * s, fill=p.accent)
    d.rectangle((cx + 0.3 * s, cy + 0.07 * s, cx + 0.4 * s, cy + 0.43 * s), fill=p.light)
    d.rectangle((cx + 0.17 * s, cy + 0.2 * s, cx + 0.53 * s, cy + 0.3 * s), fill=p.light)


def waiting(d, cx, cy, s, p, rng):
    left, top = cx - 1.0 * s, cy - 0.85 * s
    d.rounded_rectangle(
        (left, top, left + 1.5 * s, top + 1.5 * s), radius=20, fill=p.light, outline=p.ink, width=6
    )
    d.rounded_rectangle((left, top, left + 1.5 * s, top + 0.3 * s), radius=20, fill=p.main)
    d.rectangle((left, top + 0.18 * s, left + 1.5 * s, top + 0.3 * s), fill=p.main)
    marked = set(rng.sample(range(20), 4))
    for i in range(20):
        row, col = divmod(i, 5)
        x, y = left + 0.12 * s + col * 0.27 * s, top + 0.42 * s + row * 0.26 * s
        d.rectangle((x, y, x + 0.18 * s, y + 0.16 * s), fill=p.accent if i in marked else p.soft)
    ccx, ccy, r = cx + 0.55 * s, cy + 0.45 * s, 0.5 * s
    _circle(d, ccx, ccy, r, fill=p.light, outline=p.ink, width=8)
    for k in range(12):
        a = k * math.tau / 12
        d.line(
            (
                ccx + 0.8 * r * math.cos(a),
                ccy + 0.8 * r * math.sin(a),
                ccx + 0.9 * r * math.cos(a),
                ccy + 0.9 * r * math.sin(a),
            ),
            fill=p.ink,
            width=4,
        )
    hour = rng.uniform(0, math.tau)
    d.line(
        (ccx, ccy, ccx + 0.5 * r * math.sin(hour), ccy - 0.5 * r * math.cos(hour)),
        fill=p.ink,
        width=10,
    )
    d.line((ccx, ccy, ccx, ccy - 0.75 * r), fill=p.main, width=7)
    _circle(d, ccx, ccy, 10, fill=p.accent)


def mind(d, cx, cy, s, p, rng):
    # A head in profile with a brain of overlapping circles.
    d.ellipse((cx - 0.8 * s, cy - 1.0 * s, cx + 0.5 * s, cy + 0.25 * s), fill=p.main)
    face = [
        (cx + 0.42 * s, cy - 0.35 * s),
        (cx + 0.62 * s, cy + 0.0 * s),
        (cx + 0.47 * s, cy + 0.1 * s),
        (cx + 0.48 * s, cy + 0.3 * s),
        (cx + 0.38 * s, cy + 0.5 * s),
        (cx + 0.1 * s, cy + 0.5 * s),
        (cx + 0.05 * s, cy + 0.95 * s),
        (cx - 0.5 * s, cy + 0.95 * s),
        (cx - 0.45 * s, cy + 0.1 * s),
    ]
    d.polygon(face, fill=p.main)
    for _ in range(9):
        x = cx - 0.15 * s + rng.uniform(-0.35, 0.3) * s
        y = cy - 0.45 * s + rng.uniform(-0.28, 0.22) * s
        _circle(d, x, y, rng.uniform(0.12, 0.2) * s, fill=p.soft, outline=p.main, width=5)
    _circle(d, cx - 0.1 * s, cy - 0.45 * s, 0.08 * s, fill=p.accent)


def team(d, cx, cy, s, p, rng):
    colours = [p.soft, p.main, p.accent]
    for i, dx in enumerate((-0.75, 0.75, 0)):
        x = cx + dx * s
        scale = 1.15 if dx == 0 else 0.95
        y = cy + (0.0 if dx == 0 else 0.12 * s)
        d.pieslice(
            (x - 0.45 * s * scale, y - 0.05 * s, x + 0.45 * s * scale, y + 1.5 * s * scale),
            180,
            360,
            fill=colours[i],
            outline=p.ink,
            width=5,
        )
        _circle(d, x, y - 0.38 * s * scale, 0.25 * s * scale, fill=p.light, outline=p.ink, width=5)
    d.rectangle((cx + 0.12 * s, cy + 0.25 * s, cx + 0.18 * s, cy + 0.49 * s), fill=p.light)
    d.rectangle((cx + 0.03 * s, cy + 0.34 * s, cx + 0.27 * s, cy + 0.4 * s), fill=p.light)


def telemedicine(d, cx, cy, s, p, rng):
    d.rounded_rectangle(
        (cx - 0.5 * s, cy - 0.95 * s, cx + 0.5 * s, cy + 0.95 * s), radius=0.12 * s, fill=p.ink
    )
    d.rounded_rectangle(
        (cx - 0.43 * s, cy - 0.82 * s, cx + 0.43 * s, cy + 0.8 * s), radius=0.06 * s, fill=p.light
    )
    _circle(d, cx, cy - 0.35 * s, 0.17 * s, fill=p.main)
    d.pieslice((cx - 0.3 * s, cy - 0.15 * s, cx + 0.3 * s, cy + 0.4 * s), 180, 360, fill=p.main)
    pts = [
        (cx - 0.38 * s, cy + 0.45 * s),
        (cx - 0.1 * s, cy + 0.45 * s),
        (cx - 0.02 * s, cy + 0.3 * s),
        (cx + 0.06 * s, cy + 0.6 * s),
        (cx + 0.12 * s, cy + 0.45 * s),
        (cx + 0.38 * s, cy + 0.45 * s),
    ]
    d.line(pts, fill=p.accent, width=8, joint="curve")
    for k in range(3):
        r = (0.2 + 0.17 * k) * s
        d.arc(
            (cx + 0.62 * s - r, cy - 0.5 * s - r, cx + 0.62 * s + r, cy - 0.5 * s + r),
            225,
            315,
            fill=p.main,
            width=10,
        )


def institution(d, cx, cy, s, p, rng):
    base = cy + 0.85 * s
    d.polygon(
        [(cx - 1.15 * s, cy - 0.45 * s), (cx, cy - 1.0 * s), (cx + 1.15 * s, cy - 0.45 * s)],
        fill=p.main,
    )
    d.rectangle((cx - 1.1 * s, cy - 0.45 * s, cx + 1.1 * s, cy - 0.3 * s), fill=p.ink)
    for i in range(6):
        x = cx - 0.9 * s + i * 0.36 * s
        d.rectangle(
            (x - 0.08 * s, cy - 0.3 * s, x + 0.08 * s, base - 0.2 * s),
            fill=p.light,
            outline=p.ink,
            width=4,
        )
    for k in range(3):
        d.rectangle(
            (
                cx - (1.1 + 0.1 * k) * s,
                base - 0.2 * s + k * 0.08 * s,
                cx + (1.1 + 0.1 * k) * s,
                base - 0.12 * s + k * 0.08 * s,
            ),
            fill=p.soft if k % 2 else p.ink,
        )
    _circle(d, cx, cy - 0.62 * s, 0.1 * s, fill=p.accent)


def document(d, cx, cy, s, p, rng):
    left, top, right, bottom = cx - 0.7 * s, cy - 0.95 * s, cx + 0.5 * s, cy + 0.9 * s
    d.polygon(
        [
            (left, top),
            (right - 0.3 * s, top),
            (right, top + 0.3 * s),
            (right, bottom),
            (left, bottom),
        ],
        fill=p.light,
        outline=p.ink,
        width=6,
    )
    d.polygon(
        [(right - 0.3 * s, top), (right - 0.3 * s, top + 0.3 * s), (right, top + 0.3 * s)],
        fill=p.soft,
        outline=p.ink,
        width=5,
    )
    d.rectangle((left + 0.12 * s, top + 0.15 * s, left + 0.6 * s, top + 0.27 * s), fill=p.main)
    for i in range(7):
        y = top + 0.48 * s + i * 0.15 * s
        d.line((left + 0.12 * s, y, right - rng.uniform(0.12, 0.45) * s, y), fill=p.soft, width=10)
    _circle(d, right - 0.05 * s, bottom - 0.2 * s, 0.3 * s, fill=p.accent)
    d.line(
        [
            (right - 0.18 * s, bottom - 0.2 * s),
            (right - 0.08 * s, bottom - 0.08 * s),
            (right + 0.1 * s, bottom - 0.33 * s),
        ],
        fill=p.light,
        width=12,
        joint="curve",
    )


def funds(d, cx, cy, s, p, rng):
    for i, x in enumerate((cx - 0.8 * s, cx - 0.2 * s, cx + 0.4 * s)):
        coins = 3 + i * 2 + rng.randint(0, 1)
        for k in range(coins):
            y = cy + 0.8 * s - k * 0.13 * s
            d.ellipse(
                (x - 0.28 * s, y - 0.09 * s, x + 0.28 * s, y + 0.09 * s),
                fill=p.main if k % 2 else p.accent,
                outline=p.ink,
                width=4,
            )
    d.line(
        [
            (cx - 1.0 * s, cy - 0.1 * s),
            (cx - 0.3 * s, cy - 0.4 * s),
            (cx + 0.2 * s, cy - 0.3 * s),
            (cx + 0.9 * s, cy - 0.85 * s),
        ],
        fill=p.ink,
        width=12,
        joint="curve",
    )
    d.polygon(
        [
            (cx + 0.98 * s, cy - 0.92 * s),
            (cx + 0.72 * s, cy - 0.88 * s),
            (cx + 0.92 * s, cy - 0.68 * s),
        ],
        fill=p.ink,
    )


def microbes(d, cx, cy, s, p, rng):
    for _ in range(4):
        x, y = cx + rng.uniform(-1.0, 1.0) * s, cy + rng.uniform(-0.8, 0.8) * s
        angle = rng.uniform(0, math.pi)
        dx, dy = 0.3 * s * math.cos(angle), 0.3 * s * math.sin(angle)
        d.line((x - dx, y - dy, x + dx, y + dy), fill=p.soft, width=int(0.2 * s))
        _circle(d, x - dx, y - dy, 0.1 * s, fill=p.soft)
        _circle(d, x + dx, y + dy, 0.1 * s, fill=p.soft)
    r = 0.5 * s
    for k in range(14):
        a = k * math.tau / 14
        x0, y0 = cx + r * math.cos(a), cy + r * math.sin(a)
        x1, y1 = cx + 1.45 * r * math.cos(a), cy + 1.45 * r * math.sin(a)
        d.line((x0, y0, x1, y1), fill=p.ink, width=7)
        _circle(d, x1, y1, 0.07 * s, fill=p.accent)
    _circle(d, cx, cy, r, fill=p.main)
    for _ in range(5):
        _circle(
            d,
            cx + rng.uniform(-0.25, 0.25) * s,
            cy + rng.uniform(-0.25, 0.25) * s,
            0.06 * s,
            fill=p.soft,
        )


# motif: (drawing, Italian description for the alt text, may be tilted)
MOTIFS: dict[str, tuple[Callable, str, bool]] = {
    "stetoscopio": (stethoscope, "uno stetoscopio", True),
    "farmaci": (pills, "un blister di compresse e una capsula", True),
    "siringa": (syringe, "una siringa e una fiala", True),
    "ospedale": (hospital, "la facciata di un ospedale con la croce sulla torre", False),
    "cuore": (heart_ecg, "un cuore attraversato dal tracciato di un elettrocardiogramma", False),
    "italia": (italy, "la sagoma dell'Italia con alcune città collegate", False),
    "grafico": (chart, "un grafico a barre con una linea di tendenza", False),
    "dna": (dna, "una doppia elica di DNA", True),
    "vaccino": (vaccine, "uno scudo con un segno di spunta accanto a una fiala di vaccino", False),
    "casa": (home_care, "una casa con il simbolo della croce sanitaria", False),
    "attesa": (waiting, "un calendario con alcuni giorni segnati e un orologio", False),
    "mente": (mind, "una testa di profilo con il cervello stilizzato", False),
    "squadra": (team, "tre operatori sanitari stilizzati", False),
    "telemedicina": (telemedicine, "uno smartphone con una videochiamata medica", True),
    "istituzione": (institution, "la facciata con colonne di un palazzo istituzionale", False),
    "documento": (document, "un documento con un timbro di approvazione", True),
    "fondi": (funds, "pile di monete e una freccia in salita", False),
    "microbi": (microbes, "un virus e alcuni batteri al microscopio", False),
}


def background(d: ImageDraw.ImageDraw, p: Palette, rng: random.Random) -> None:
    width, height = SIZE
    k = width / 1600  # the sizes below were chosen on a 1600 px canvas
    for _ in range(rng.randint(1, 3)):
        r = rng.randint(220, 520) * k
        _circle(d, rng.randint(0, width), rng.randint(0, height), r, fill=p.soft)
    # A field of small dots in one corner and a few plus signs.
    inset, span = 60 * k, 340 * k
    ox, oy = rng.choice(
        [
            (inset, inset),
            (width - span, inset),
            (inset, height - span),
            (width - span, height - span),
        ]
    )
    for row in range(5):
        for col in range(7):
            _circle(d, ox + col * 45 * k, oy + row * 45 * k, 6 * k, fill=p.main)
    for _ in range(rng.randint(3, 6)):
        x, y = rng.randint(40, width - 40), rng.randint(40, height - 40)
        size = rng.randint(14, 26) * k
        d.line((x - size, y, x + size, y), fill=p.accent, width=round(8 * k))
        d.line((x, y - size, x, y + size), fill=p.accent, width=round(8 * k))


def illustration(motif: str, palette: str, seed: str) -> tuple[bytes, str]:
    """A JPEG of `motif` in `palette` laid out by `seed`, and its Italian alt text."""
    draw_motif, description, tilts = MOTIFS[motif]
    p = Palette(palette)
    rng = random.Random(seed)
    picture = Image.new("RGB", SIZE, p.bg)
    background(ImageDraw.Draw(picture), p, rng)
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    s = rng.uniform(0.37, 0.42) * SIZE[1]
    cx = rng.choice([0.32, 0.5, 0.66]) * SIZE[0]
    cy = 0.5 * SIZE[1]
    ImageDraw.Draw(picture).ellipse(
        (cx - 1.5 * s, cy + 0.95 * s, cx + 1.5 * s, cy + 1.12 * s), fill=p.soft
    )
    draw = ImageDraw.Draw(layer)
    draw_motif(draw, cx, cy, s, p, rng)
    if tilts:
        layer = layer.rotate(
            rng.uniform(-18, 18), resample=Image.Resampling.BICUBIC, center=(cx, cy)
        )
    picture.paste(layer, mask=layer)
    out = BytesIO()
    picture.save(out, "JPEG", quality=86, optimize=True, progressive=True)
    return out.getvalue(), f"Illustrazione: {description} su fondo {p.name}"
