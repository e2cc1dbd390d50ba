#!/usr/bin/env python3
"""Writes the resampling/conversion fixtures used by test/media/*.test.ts.

Dev script, not run in CI: needs PyTorch and Pillow (Debian: python3-torch,
python3-pil). Run from the repository root:

    python3 tools/media/make-resize-fixtures.py

Output: test/fixtures/media/resize/manifest.json plus one raw little-endian
.bin per array. Each manifest case names the operation, its parameters and
the input/output arrays (file, dtype, shape). The expected outputs come from
the reference implementations themselves:

* bicubic: torch.nn.functional.interpolate(mode='bicubic',
  align_corners=False) on CPU float32, input [1, C, H, W];
* lanczos: PIL Image.resize((w, h), Image.LANCZOS) on an 8-bit RGB image;
* ti2v: the TI2V-5B image preprocessing (best output size for a 32-pixel
  grid, LANCZOS resize by the covering scale, centre crop), computed here
  independently of the TypeScript code;
* to-unit / to-uint8: the uint8 -> [-1, 1] input rule (to_tensor, then
  (x - 0.5) / 0.5) and the [-1, 1] -> uint8 video output rule (clamp,
  (x + 1) / 2, * 255, truncate), both with float32 tensor ops.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = os.path.join("test", "fixtures", "media", "resize")
DTYPES = {np.dtype("float32"): "float32", np.dtype("uint8"): "uint8"}


def save(name, arr):
    arr = np.ascontiguousarray(arr)
    path = name + ".bin"
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(arr.astype(arr.dtype.newbyteorder("<")).tobytes())
    return {"file": path, "dtype": DTYPES[arr.dtype], "shape": list(arr.shape)}


def smooth_rgb(rng, h, w):
    """A gradient plus noise, so that both clipped and unclipped sums occur."""
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx * 255.0 / max(w - 1, 1), yy * 255.0 / max(h - 1, 1), (xx + yy) % 64 * 4.0], axis=-1)
    noise = rng.normal(0, 12, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def noise_rgb(rng, h, w):
    return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def best_size(w, h, dw, dh, area):
    r = w / h
    ow = (area * r) ** 0.5
    oh = area / ow
    w1 = int(ow // dw * dw)
    h1 = int(area / w1 // dh * dh)
    h2 = int(oh // dh * dh)
    w2 = int(area / h2 // dw * dw)
    d1 = max(r / (w1 / h1), (w1 / h1) / r)
    d2 = max(r / (w2 / h2), (w2 / h2) / r)
    return (w1, h1) if d1 < d2 else (w2, h2)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    rng = np.random.default_rng(20240611)
    cases = []

    bicubic = [
        ("bicubic-up", (3, 13, 17), (29, 23)),
        ("bicubic-down", (3, 31, 37), (11, 7)),
        ("bicubic-mixed", (3, 20, 9), (7, 30)),
        ("bicubic-same", (3, 6, 5), (6, 5)),
        ("bicubic-tiny", (1, 4, 3), (9, 10)),
        ("bicubic-single-pixel", (2, 1, 2), (3, 4)),
    ]
    for name, shape, (oh, ow) in bicubic:
        x = rng.uniform(-1, 1, size=shape).astype(np.float32)
        y = F.interpolate(torch.from_numpy(x)[None], size=(oh, ow), mode="bicubic", align_corners=False)[0]
        cases.append({
            "name": name, "op": "bicubic", "params": {"outH": oh, "outW": ow},
            "input": save(name + ".in", x), "output": save(name + ".out", y.numpy()),
        })

    lanczos = [
        ("lanczos-up", smooth_rgb, (23, 37), (64, 48)),
        ("lanczos-down", noise_rgb, (61, 97), (30, 19)),
        ("lanczos-mixed", smooth_rgb, (40, 50), (71, 25)),
        ("lanczos-strong-down", smooth_rgb, (60, 84), (13, 11)),
        ("lanczos-width-only", noise_rgb, (20, 30), (45, 20)),
        ("lanczos-height-only", smooth_rgb, (33, 18), (18, 9)),
    ]
    for name, make, (h, w), (ow, oh) in lanczos:
        x = make(rng, h, w)
        y = np.asarray(Image.fromarray(x, "RGB").resize((ow, oh), Image.LANCZOS))
        cases.append({
            "name": name, "op": "lanczos", "params": {"outW": ow, "outH": oh},
            "input": save(name + ".in", x), "output": save(name + ".out", y),
        })

    for name, (h, w), area in [("ti2v-portrait", (83, 67), 48 * 64), ("ti2v-landscape", (45, 100), 64 * 96)]:
        x = smooth_rgb(rng, h, w)
        ow, oh = best_size(w, h, 32, 32, area)
        scale = max(ow / w, oh / h)
        img = Image.fromarray(x, "RGB").resize((round(w * scale), round(h * scale)), Image.LANCZOS)
        x1 = (img.width - ow) // 2
        y1 = (img.height - oh) // 2
        y = np.asarray(img.crop((x1, y1, x1 + ow, y1 + oh)))
        cases.append({
            "name": name, "op": "ti2v", "params": {"maxArea": area, "outW": ow, "outH": oh},
            "input": save(name + ".in", x), "output": save(name + ".out", y),
        })

    u8 = np.arange(256, dtype=np.uint8)
    unit = torch.from_numpy(u8).to(torch.float32).div(255).sub_(0.5).div_(0.5)
    cases.append({"name": "to-unit", "op": "to-unit", "params": {},
                  "input": save("to-unit.in", u8), "output": save("to-unit.out", unit.numpy())})

    levels = (np.arange(256, dtype=np.float64) / 255 * 2 - 1).astype(np.float32)
    near = np.concatenate([levels, np.nextafter(levels, np.float32(-2)), np.nextafter(levels, np.float32(2))])
    vals = np.concatenate([
        near, rng.uniform(-1.3, 1.3, size=2000).astype(np.float32),
        np.array([-1, 1, 0, -0.0, 5, -5, 1e-8, -1e-8], dtype=np.float32),
    ]).astype(np.float32)
    t = torch.from_numpy(vals).clamp(-1, 1)
    t = t.sub(-1).div(2)
    q = (t * 255).type(torch.uint8)
    cases.append({"name": "to-uint8", "op": "to-uint8", "params": {},
                  "input": save("to-uint8.in", vals), "output": save("to-uint8.out", q.numpy())})

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
