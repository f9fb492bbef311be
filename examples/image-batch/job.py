#!/usr/bin/env python3
"""image-batch: renders a batch of small images and exits.

For each image it draws seeded noise, smooths it with the 3x3 kernel from
weights/kernel.txt and maps it onto weights/palette.txt, then writes a binary
PPM file to the output folder. After each image it reports progress
(status(message, progress)) and meters one image and its pixels.

  python3 job.py                  run the batch (parameters from GPUAAS_PARAM_*)
  python3 job.py --check-weights  install hook: exit 1 unless weights/ is usable
"""

import os
import random
import signal
import sys

import gpuaas_runtime as runtime

HERE = os.path.dirname(os.path.abspath(__file__))
stopping = False


def on_stop(_signum, _frame):
    global stopping
    stopping = True


def read_numbers(name):
    with open(os.path.join(HERE, "weights", name), encoding="utf-8") as handle:
        return [[int(v) for v in line.split()] for line in handle if line.strip() and not line.startswith("#")]


def load_weights():
    colors = read_numbers("palette.txt")
    rows = read_numbers("kernel.txt")
    if not colors or any(len(c) != 3 or not all(0 <= v < 256 for v in c) for c in colors):
        raise ValueError("weights/palette.txt: each line must be 'r g b' with values 0..255")
    if len(rows) != 4 or any(len(row) != 3 for row in rows[:3]) or len(rows[3]) != 1 or rows[3][0] <= 0:
        raise ValueError("weights/kernel.txt: expected three rows of 3 weights, then a divisor > 0")
    return colors, {"weights": rows[:3], "divisor": rows[3][0]}


def render(index, size, seed, colors, kernel):
    rng = random.Random(seed * 1_000_003 + index)
    noise = [[rng.randrange(256) for _ in range(size)] for _ in range(size)]
    weights, divisor = kernel["weights"], kernel["divisor"]
    pixels = bytearray()
    for y in range(size):
        for x in range(size):
            total = 0
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    total += weights[dy + 1][dx + 1] * noise[min(size - 1, max(0, y + dy))][min(size - 1, max(0, x + dx))]
            pixels.extend(colors[(total // divisor) * len(colors) // 256])
    return b"P6\n%d %d\n255\n" % (size, size) + bytes(pixels)


def int_param(name, default):
    raw = os.environ.get("GPUAAS_PARAM_" + name.upper())
    return default if raw in (None, "") else int(raw)


def main(argv):
    try:
        colors, kernel = load_weights()
    except (OSError, ValueError, KeyError, TypeError) as error:
        print("image-batch: weights are not usable: %s" % error, file=sys.stderr)
        return 1
    if "--check-weights" in argv:
        print("image-batch: weights ok (%d colors)" % len(colors))
        return 0
    signal.signal(signal.SIGTERM, on_stop)
    count = int_param("count", 8)
    size = int_param("size", 16)
    seed = int_param("seed", 1)
    out_dir = os.environ.get("GPUAAS_PARAM_OUTPUT_DIR") or "out"
    # Under the runtime the app's own folder is read-only: a relative output folder lives in
    # the app's data folder, the one place it may write.
    if not os.path.isabs(out_dir) and os.environ.get("GPUAAS_DATA_DIR"):
        out_dir = os.path.join(os.environ["GPUAAS_DATA_DIR"], out_dir)
    os.makedirs(out_dir, exist_ok=True)
    runtime.ready()
    runtime.status("rendering %d images of %dx%d" % (count, size, size), 0.0)
    done = 0
    for index in range(count):
        if stopping:
            break
        path = os.path.join(out_dir, "image-%04d.ppm" % index)
        with open(path, "wb") as handle:
            handle.write(render(index, size, seed, colors, kernel))
        done += 1
        # Ids name the image, so a job restarted with the same seed does not bill an image twice.
        runtime.meter("images", 1, id="seed-%d/image-%d" % (seed, index))
        runtime.meter("pixels", size * size, id="seed-%d/image-%d/pixels" % (seed, index))
        runtime.status("rendered %d/%d images" % (done, count), done / count)
    if stopping:
        runtime.status("stopped after %d/%d images" % (done, count), done / count)
        return 143
    runtime.status("done: %d images in %s" % (count, out_dir), 1.0)
    print("image-batch: wrote %d images to %s" % (count, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
