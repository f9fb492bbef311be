#!/usr/bin/env python3
"""A run-to-completion batch job using only the Python standard library.

It processes GPUAAS_PARAM_ITEMS items in batches of GPUAAS_PARAM_BATCH_SIZE,
prints one JSON line per item, and after each batch reports progress
(status(message, progress)) and meters the items done (meter("items", n)).
It exits 0 when every item is done. On SIGTERM it finishes the current batch,
meters it and exits, so no processed item goes unbilled.
"""

import hashlib
import json
import os
import signal
import sys

import gpuaas_runtime as runtime

stopping = False


def on_stop(_signum, _frame):
    global stopping
    stopping = True


def process(index):
    # Stand-in for real work (an inference, a transcode): a few rounds of hashing.
    digest = ("item-%d" % index).encode("utf-8")
    for _ in range(1000):
        digest = hashlib.sha256(digest).digest()
    return {"item": index, "digest": digest.hex()[:16]}


def int_param(name, default):
    raw = os.environ.get("GPUAAS_PARAM_" + name.upper())
    return default if raw in (None, "") else int(raw)


def main():
    signal.signal(signal.SIGTERM, on_stop)
    total = int_param("items", 20)
    batch_size = int_param("batch_size", 5)
    runtime.ready()
    runtime.status("starting: %d items" % total, 0.0)
    done = 0
    while done < total and not stopping:
        batch = range(done, min(total, done + batch_size))
        for index in batch:
            print(json.dumps(process(index)), flush=True)
        done += len(batch)
        runtime.meter("items", len(batch))
        runtime.status("processed %d/%d items" % (done, total), done / total)
    if stopping:
        runtime.status("stopped after %d/%d items" % (done, total), done / total)
        print("stopped after %d of %d items" % (done, total), file=sys.stderr)
        return 143
    runtime.status("done: %d items" % total, 1.0)
    print("done: %d items" % total, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
