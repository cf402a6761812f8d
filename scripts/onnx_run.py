#!/usr/bin/env python3
"""Runs an ONNX model in ONNX Runtime on .npy inputs and writes its first output as .npy.

    python3 scripts/onnx_run.py MODEL.onnx OUT.npy NAME=INPUT.npy [NAME=INPUT.npy ...]

SwiftGAN's ONNX parity test drives it (it needs numpy and onnxruntime: `make test` sets up a
venv with them under .build/onnx-venv). Exit status 2 with one line on stderr for bad input.
"""
import sys

import numpy as np
import onnxruntime as ort


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: onnx_run.py MODEL.onnx OUT.npy NAME=INPUT.npy ...")
    model, out, pairs = argv[0], argv[1], argv[2:]
    options = ort.SessionOptions()
    # The exact graph as written: no fusions that could round differently.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    feeds = {}
    for pair in pairs:
        name, _, path = pair.partition("=")
        feeds[name] = np.load(path)
    expected = sorted(i.name for i in session.get_inputs())
    if sorted(feeds) != expected:
        sys.exit(f"onnx_run.py: {model} takes inputs {expected}, got {sorted(feeds)}")
    result = session.run(None, feeds)[0]
    np.save(out, result)
    print(f"{session.get_outputs()[0].name} {list(result.shape)}")


if __name__ == "__main__":
    main(sys.argv[1:])
