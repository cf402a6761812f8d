"""Writes the seed corpora of the fuzz targets (Fuzz/Corpus/<Target>/): small valid inputs of
each format, from which libFuzzer mutates. Needs numpy and Pillow (the reference venv:
~/.venvs/ref/bin/python Fuzz/make_corpus.py). The output is committed; rerun only to change it."""
import gzip, io, json, os, shutil, struct, zlib
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "Corpus")


def write(top, target, name, data):
    folder = os.path.join(top, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def put(target, name, data):
    write(root, target, name, data)


def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        raw = array.tobytes()
        dtype = {"float32": "F32", "int64": "I64", "float16": "F16"}[str(array.dtype)]
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


rng = np.random.default_rng(0)
put("FuzzSafetensors", "two.safetensors", safetensors({"net.0.weight": rng.standard_normal((3, 2)).astype(np.float32),
                                                       "net.0.bias": np.zeros(3, np.float32)}))
put("FuzzSafetensors", "metadata.safetensors", safetensors({"w": np.ones((2, 2), np.float32)},
                                                           {"swiftgan.family": "mlp", "format": "pt"}))
put("FuzzSafetensors", "batchnorm.safetensors", safetensors({"bn.num_batches_tracked": np.array(4, np.int64),
                                                             "bn.running_mean": np.zeros(2, np.float32)}))
put("FuzzSafetensors", "half.safetensors", safetensors({"h": np.ones(4, np.float16)}))


def npy(array, fortran=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asfortranarray(array) if fortran else array, version=(1, 0))
    return buffer.getvalue()


put("FuzzNPY", "z.npy", npy(rng.standard_normal((2, 4)).astype(np.float32)))
put("FuzzNPY", "f8.npy", npy(rng.standard_normal(3)))
put("FuzzNPY", "labels.npy", npy(np.arange(5, dtype=np.int64)))
put("FuzzNPY", "labels32.npy", npy(np.arange(3, dtype=np.int32)))
put("FuzzNPY", "scalar.npy", npy(np.float32(1.5)))


def idx(array):
    return struct.pack(">BBBB", 0, 0, 8, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape) + array.tobytes()


images = rng.integers(0, 256, (2, 4, 4), dtype=np.uint8)
put("FuzzIDX", "images.idx", idx(images))
put("FuzzIDX", "labels.idx", idx(np.array([3, 1, 4], np.uint8)))
put("FuzzIDX", "images.idx.gz", gzip.compress(idx(images), mtime=0))
put("FuzzIDX", "labels.idx.gz", gzip.compress(idx(np.array([3, 1, 4], np.uint8)), mtime=0))

put("FuzzGzip", "text.gz", gzip.compress(b"SwiftGAN " * 20, mtime=0))
put("FuzzGzip", "two-members.gz", gzip.compress(b"a" * 10, mtime=0) + gzip.compress(b"b" * 10, mtime=0))
put("FuzzGzip", "empty.gz", gzip.compress(b"", mtime=0))
put("FuzzGzip", "raw-zlib", zlib.compress(b"not gzip"))


def image_bytes(mode, size, fmt, **options):
    image = Image.fromarray(rng.integers(0, 256, size + ((3,) if mode == "RGB" else ()), dtype=np.uint8), mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


variants = os.path.join(here, "..", "Tests", "Fixtures", "png-variants")
os.makedirs(os.path.join(root, "FuzzPNG"), exist_ok=True)
for name in sorted(os.listdir(variants)):
    shutil.copy(os.path.join(variants, name), os.path.join(root, "FuzzPNG", name))
put("FuzzPNG", "rgb.png", image_bytes("RGB", (5, 3), "PNG"))
put("FuzzPNG", "gray.png", image_bytes("L", (4, 4), "PNG"))
put("FuzzJPEG", "rgb.jpg", image_bytes("RGB", (8, 8), "JPEG", quality=90))
put("FuzzJPEG", "gray.jpg", image_bytes("L", (8, 8), "JPEG", quality=75))
put("FuzzJPEG", "progressive.jpg", image_bytes("RGB", (16, 8), "JPEG", progressive=True))

put("FuzzConfigJSON", "dcgan.json", json.dumps({"model": "dcgan", "loss": "hinge", "steps": 100, "learningRateD": 4e-4,
                                            "spectralNorm": True, "emaDecay": None}))
put("FuzzConfigJSON", "pix2pix.json", json.dumps({"model": "pix2pix", "lambdaL1": 50, "lambdaGAN": 0.5}))
put("FuzzConfigJSON", "empty.json", "{}")
put("FuzzConfigJSON", "diffaugment.json", json.dumps({"model": "dcgan", "diffAugment": "translation,cutout", "emaDecay": 0.999}))
put("FuzzConfigYAML", "dcgan.yaml", "# a run\nmodel: dcgan\nloss: hinge\nsteps: 100\nlearningRateD: 4e-4\nspectralNorm: true\nemaDecay: ~\n")
put("FuzzConfigYAML", "cyclegan.yml", "model: cyclegan\nlambdaCycle: 10.0\npoolSize: 50\nseed: 3\ndataset: \"mnist-thin2thick\"\n")

put("FuzzManifest", "manifest.json", json.dumps({"format": 1, "step": 20, "files": {
    "generator.safetensors": {"bytes": 2202304, "crc32": "ccc55cbe"}, "state.json": {"bytes": 120, "crc32": "86487810"}}},
    indent=2, sort_keys=True))
put("FuzzManifest", "empty.json", json.dumps({"format": 1, "step": 0, "files": {}}))

# Inputs every parser must reject with an error (Fuzz/Regressions/<target>/): hand-made attacks
# on sizes and offsets here; each crash a fuzzer finds is added beside them once fixed.
regressions = os.path.join(here, "Regressions")


def bad(target, name, data):
    write(regressions, target, name, data)


bad("FuzzSafetensors", "header-length-max", struct.pack("<Q", 2**64 - 1) + b"{}")
bad("FuzzSafetensors", "offsets-past-end", safetensors({"w": np.ones(2, np.float32)})[:-4])
header = json.dumps({"w": {"dtype": "F32", "shape": [2**62, 2**62], "data_offsets": [0, 8]}}).encode()
bad("FuzzSafetensors", "shape-overflow", struct.pack("<Q", len(header)) + header + bytes(8))
header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}).encode()
bad("FuzzSafetensors", "offsets-reversed", struct.pack("<Q", len(header)) + header + bytes(8))

good = npy(np.ones((2, 2), np.float32))
bad("FuzzNPY", "shape-overflow", good.replace(b"(2, 2)", b"(9223372036854775807, 9)"))
bad("FuzzNPY", "truncated", good[:-3])
bad("FuzzNPY", "fortran-order", npy(np.ones((2, 3), np.float32), fortran=True))
bad("FuzzNPY", "header-length-past-end", good[:8] + struct.pack("<H", 65535) + good[10:20])

bad("FuzzIDX", "dimensions-overflow", struct.pack(">BBBB", 0, 0, 8, 4) + struct.pack(">IIII", *[2**32 - 1] * 4))
bad("FuzzIDX", "gzip-longer-than-header", gzip.compress(idx(np.zeros(4, np.uint8)) + bytes(100), mtime=0))
bad("FuzzIDX", "truncated", idx(images)[:-1])

bad("FuzzGzip", "bomb-past-limit", gzip.compress(bytes(5 << 20), mtime=0))
bad("FuzzGzip", "truncated", gzip.compress(b"SwiftGAN " * 20, mtime=0)[:-9])

png = image_bytes("L", (4, 4), "PNG")
ihdr = png.index(b"IHDR")
huge = png[:ihdr + 4] + struct.pack(">II", 20000, 20000) + png[ihdr + 12:]
huge = huge[:ihdr + 17] + struct.pack(">I", zlib.crc32(huge[ihdr:ihdr + 17])) + huge[ihdr + 21:]
bad("FuzzPNG", "huge-dimensions", huge)
bad("FuzzPNG", "truncated", png[:40])
jpeg = image_bytes("RGB", (8, 8), "JPEG")
bad("FuzzJPEG", "truncated", jpeg[:len(jpeg) // 3])
bad("FuzzJPEG", "header-only", jpeg[:20])

bad("FuzzConfigJSON", "steps-huge-float", '{"steps": 1e300}')
bad("FuzzConfigJSON", "lr-below-float32", '{"learningRateD": 1e-50}')
bad("FuzzConfigJSON", "nested", '{"options": {"lambdaL1": 3}}')
laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
bad("FuzzConfigYAML", "billion-laughs", laughs)
bad("FuzzConfigYAML", "steps-list", "steps: [1, 2]\n")
bad("FuzzConfigYAML", "not-utf8", b"steps: \xff\xfe\n")

bad("FuzzManifest", "escaping-name", json.dumps({"format": 1, "step": 1, "files": {"../../etc/passwd": {"bytes": 1, "crc32": "00000000"}}}))
bad("FuzzManifest", "negative-size", json.dumps({"format": 1, "step": 1, "files": {"a": {"bytes": -5, "crc32": "00000000"}}}))

# PNG text chunks (provenance), last so that the random draws above stay as they were.
from PIL import PngImagePlugin
text = PngImagePlugin.PngInfo()
text.add_text("Software", "SwiftGAN 0.1.0")
text.add_text("swiftgan:synthetic", "true")
text.add_itxt("swiftgan:seed", "42 to 57, one per image")
put("FuzzPNGText", "provenance.png", image_bytes("L", (4, 4), "PNG", pnginfo=text))
put("FuzzPNGText", "plain.png", image_bytes("RGB", (3, 3), "PNG"))
marked = image_bytes("L", (4, 4), "PNG", pnginfo=text)
bad("FuzzPNGText", "truncated", marked[:60])
at = marked.index(b"tEXt")
bad("FuzzPNGText", "length-past-end", marked[:at - 4] + struct.pack(">I", 2**31 - 1) + marked[at:])
bad("FuzzPNGText", "bad-crc", marked[:at + 6] + bytes([marked[at + 6] ^ 1]) + marked[at + 7:])
bad("FuzzPNGText", "not-png", b"GIF89a" + bytes(20))
