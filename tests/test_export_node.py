"""The JavaScript ONNX client (examples/onnx_node) under Node equals ONNX Runtime in Python."""

import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

import export
from export.runtimes import OnnxRuntimeSession
from tests import helpers_export as h

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "onnx_node")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="`node` is not installed on this machine")


@pytest.fixture(scope="module")
def node_example():
    if not os.path.isdir(os.path.join(EXAMPLE, "node_modules", "onnxruntime-node")):
        npm = shutil.which("npm")
        assert npm, "node is installed but npm is not: cannot install onnxruntime-node"
        # .npmrc in the example skips onnxruntime-node's optional CUDA download.
        completed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                                   cwd=EXAMPLE, capture_output=True, text=True, timeout=600)
        assert completed.returncode == 0, completed.stderr[-2000:]
    return os.path.abspath(EXAMPLE)


@pytest.fixture(scope="module")
def onnx_export(tmp_path_factory):
    result = export.export(h.make_cgan(), str(tmp_path_factory.mktemp("out")), formats=["onnx"])
    return result.onnx


def _node(example, *args):
    return subprocess.run([NODE, os.path.join(example, "generate.js"), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def _grid(images, columns, padding=2):
    n, height, width, channels = images.shape
    rows = -(-n // columns)
    grid = np.zeros((rows * height + (rows - 1) * padding, columns * width + (columns - 1) * padding,
                     channels), np.uint8)
    for i in range(n):
        top, left = (i // columns) * (height + padding), (i % columns) * (width + padding)
        grid[top:top + height, left:left + width] = images[i]
    return grid


def test_node_client_equals_onnxruntime_python(node_example, onnx_export, tmp_path):
    n = 5
    z = h.noise(n, seed=21)
    labels = np.array([2, 0, 1, 1, 2], np.int32)
    z.astype("<f4").tofile(tmp_path / "z.f32")
    labels.astype("<i4").tofile(tmp_path / "labels.i32")
    completed = _node(node_example, "--model", onnx_export, "--num", n, "--z", tmp_path / "z.f32",
                      "--labels", tmp_path / "labels.i32", "--out", tmp_path / "grid.png",
                      "--dump", tmp_path / "images.f32")
    assert completed.returncode == 0, completed.stderr
    expected = OnnxRuntimeSession(onnx_export).run({"z": z, "label": labels})
    from_node = np.fromfile(tmp_path / "images.f32", "<f4").reshape(expected["images"].shape)
    np.testing.assert_allclose(from_node, expected["images"], atol=1e-6, rtol=0)
    png = np.asarray(Image.open(tmp_path / "grid.png"))
    golden = _grid(expected["images_uint8"], columns=3)[..., 0]  # 1 channel -> grayscale PNG
    assert png.shape == (2 * 8 + 2, 3 * 8 + 2 * 2)
    np.testing.assert_array_equal(png, golden)


def test_node_client_seeded_noise_is_reproducible_and_bad_labels_fail(node_example, onnx_export, tmp_path):
    runs = [_node(node_example, "--model", onnx_export, "--num", 4, "--seed", 3,
                  "--out", tmp_path / f"g{i}.png") for i in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert (tmp_path / "g0.png").read_bytes() == (tmp_path / "g1.png").read_bytes()
    bad = _node(node_example, "--model", onnx_export, "--num", 2, "--label", 7,
                "--out", tmp_path / "bad.png")
    assert bad.returncode == 1 and "label" in bad.stderr and "[0, 3)" in bad.stderr
