"""Every runtime an export is checked in: OpenVINO on the ONNX file, LiteRT as a third
format, and the verification table that lists each runtime (checked or why not)."""

import argparse
import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import export
from export import _api, cli
from export.runtimes import LiteRtSession, OpenVinoSession
from tests import helpers_export as h
from tests.helpers_export import cgan, gan  # noqa: F401  (module fixtures)

# Measured on the tiny generators: every runtime within 1.2e-7 of Keras in float32; a
# runtime that computed in bfloat16 (~3e-3 off) or lost a weight would be far above this.
PARITY = 1e-5
CHECKED = {"saved_model (tf serving)", "onnxruntime", "onnx reference", "openvino (cpu, f32)",
           "litert"}


def _table_rows(table):
    """`{runtime: (max |diff| text, status text)}` from `VerificationReport.format_table()`."""
    rows = {}
    for line in table.splitlines()[2:]:
        runtime, rest = line[:26].strip(), line[26:]
        diff, status = rest[:12].strip(), rest[12:].strip()
        rows[runtime] = (diff, status)
    return rows


@pytest.fixture(scope="module")
def cgan_export(cgan, tmp_path_factory):
    return export.export(cgan, str(tmp_path_factory.mktemp("out")), formats=_api.FORMATS,
                         reference=True)


def test_every_runtime_is_checked_and_listed_in_the_table(cgan_export):
    report = cgan_export.verification
    assert report.passed and report.not_checked == {}
    assert set(report.max_abs_diff) == CHECKED
    assert all(diff <= PARITY for diff in report.max_abs_diff.values()), report.max_abs_diff
    table = report.format_table()
    rows = _table_rows(table)
    assert list(rows) == list(_api.RUNTIMES)  # the Keras reference first, then table order
    assert rows["keras (reference)"] == ("-", f"reference (keras {keras.__version__})")
    for runtime, diff in report.max_abs_diff.items():
        assert rows[runtime][0] == f"{diff:.3e}"
        assert rows[runtime][1].startswith("ok (")
    # The standalone LiteRT interpreter ran, not TensorFlow's deprecated copy.
    assert rows["litert"][1] == f"ok (ai-edge-litert {importlib.metadata.version('ai-edge-litert')})"
    # The version folder holds the three formats and its README carries the same table.
    assert {"saved_model.pb", "model.onnx", "model.tflite", "model.json"} <= set(
        os.listdir(cgan_export.path))
    assert cgan_export.litert == os.path.join(cgan_export.path, "model.tflite")
    with open(os.path.join(cgan_export.path, "README.md")) as f:
        readme = f.read()
    assert table in readme and "## LiteRT" in readme and "INFERENCE_PRECISION_HINT" in readme


# A deployment's process: numpy and the runtime's own package, no TensorFlow, Keras or
# keras_gan (made unimportable first), reading only the files on disk.
_DEPLOYED_SCRIPT = textwrap.dedent(
    """
    import json, sys
    for blocked in ("tensorflow", "keras", "keras_gan", "export", "tf2onnx"):
        sys.modules[blocked] = None
    import numpy as np
    import openvino
    from ai_edge_litert.interpreter import Interpreter

    folder, feeds_file, out_file = sys.argv[1:4]
    feeds = dict(np.load(feeds_file))
    runner = Interpreter(model_path=folder + "/model.tflite").get_signature_runner("serving_default")
    compiled = openvino.Core().compile_model(
        folder + "/model.onnx", "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    litert = runner(**feeds)
    ov = compiled(feeds)
    np.savez(out_file, litert_images=litert["images"], litert_uint8=litert["images_uint8"],
             openvino_images=ov["images"], openvino_uint8=ov["images_uint8"])
    print(json.dumps({
        "litert_signature": Interpreter(model_path=folder + "/model.tflite").get_signature_list(),
        "openvino_inputs": sorted(i.get_any_name() for i in compiled.inputs),
        "loaded": sorted(m for m in ("tensorflow", "keras", "keras_gan") if sys.modules.get(m)),
    }))
    """
)


def test_litert_and_openvino_run_the_files_without_tensorflow(cgan, cgan_export, tmp_path):
    z = h.noise(7, seed=3)  # batch 7: not one the export was verified with (dynamic batch)
    label = np.array([0, 1, 2, 0, 1, 2, 2], np.int32)
    expected = cgan.generator([z, label], training=False).numpy()
    script, feeds_file, out_file = tmp_path / "deployed.py", tmp_path / "f.npz", tmp_path / "o.npz"
    script.write_text(_DEPLOYED_SCRIPT)
    np.savez(feeds_file, z=z, label=label)
    completed = subprocess.run(
        [sys.executable, str(script), cgan_export.path, str(feeds_file), str(out_file)],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=""),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    info = json.loads(completed.stdout.strip().splitlines()[-1])
    assert info["loaded"] == []
    assert info["litert_signature"] == {
        "serving_default": {"inputs": ["label", "z"], "outputs": ["images", "images_uint8"]}}
    assert info["openvino_inputs"] == ["label", "z"]
    golden_uint8 = np.round((expected + 1.0) * 127.5).astype(int)
    with np.load(out_file) as out:
        for runtime in ("litert", "openvino"):
            images = out[f"{runtime}_images"]
            assert images.shape == (7, *h.IMAGE_SHAPE)
            np.testing.assert_allclose(images, expected, atol=PARITY, rtol=0)
            assert out[f"{runtime}_uint8"].dtype == np.uint8
            # A runtime may land on the other side of .5.
            assert np.max(np.abs(out[f"{runtime}_uint8"].astype(int) - golden_uint8)) <= 1


def _cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def test_openvino_needs_the_f32_hint_where_the_cpu_has_bf16(gan, tmp_path):
    path = export.to_onnx(gan, str(tmp_path / "g.onnx"), verify=False)
    z = h.noise(64, seed=5)
    expected = gan.generator(z, training=False).numpy()
    f32 = OpenVinoSession(path)
    assert f32.precision == "f32"
    f32_diff = np.max(np.abs(f32.run({"z": z})["images"] - expected))
    assert f32_diff <= PARITY
    default = OpenVinoSession(path, precision=None)
    default_diff = np.max(np.abs(default.run({"z": z})["images"] - expected))
    if _cpu_flags() & {"avx512_bf16", "amx_bf16"}:
        # OpenVINO's CPU plugin runs float32 models in bfloat16 by default here.
        assert default.precision == "bf16"
    if default.precision == "f32":
        assert default_diff <= PARITY
    else:  # measured 2.7e-3 in bfloat16 on this generator, 27x the export tolerance
        assert default_diff > _api.DEFAULT_ATOL


def test_runtimes_that_cannot_be_checked_are_listed_with_the_reason(gan, tmp_path, monkeypatch):
    # Formats not requested: the ONNX runtimes and LiteRT cannot run.
    result = export.export(gan, str(tmp_path / "a"), formats=["saved_model"])
    report = result.verification
    assert report.passed and set(report.max_abs_diff) == {"saved_model (tf serving)"}
    assert set(report.not_checked) == {"onnxruntime", "onnx reference", "openvino (cpu, f32)",
                                       "litert"}
    rows = _table_rows(report.format_table())
    assert list(rows) == list(_api.RUNTIMES)
    assert rows["onnxruntime"] == ("-", "not checked: no ONNX file in this export (formats)")
    assert rows["litert"] == ("-", "not checked: no LiteRT file in this export (add litert to formats)")
    assert report.to_dict()["not_checked"] == report.not_checked

    # openvino not importable. The only way to have it missing in a process where it is
    # installed is to block its import: `sys.modules["openvino"] = None` makes `import
    # openvino` raise ImportError (restored by monkeypatch after the test).
    monkeypatch.setitem(sys.modules, "openvino", None)
    path = export.to_onnx(gan, str(tmp_path / "b.onnx"))  # verifies, does not crash
    report = export.verify(gan, path, reference=False)
    assert set(report.max_abs_diff) == {"onnxruntime"}
    assert report.not_checked["openvino (cpu, f32)"] == (
        "openvino is not installed (pip install openvino, or the [openvino] extra)")
    assert report.not_checked["onnx reference"].startswith("off (pure NumPy")


def test_to_litert_writes_a_verified_file_and_refuses_bad_paths(gan, tmp_path):
    path = export.to_litert(gan, str(tmp_path / "g.tflite"))
    session = LiteRtSession(path)
    for batch in (1, 6):
        z = h.noise(batch, seed=batch)
        np.testing.assert_allclose(session.run({"z": z})["images"],
                                   gan.generator(z, training=False).numpy(), atol=PARITY, rtol=0)
    report = export.verify(gan, path)
    assert set(report.max_abs_diff) == {"litert"} and report.passed
    with pytest.raises(FileExistsError, match="overwrite"):
        export.to_litert(gan, path)
    with pytest.raises(ValueError, match=r"must end with '\.tflite'.*g\.lite"):
        export.to_litert(gan, str(tmp_path / "g.lite"))
    # A real parity failure (an impossible tolerance) publishes nothing.
    with pytest.raises(export.VerificationError, match="litert"):
        export.to_litert(gan, str(tmp_path / "h.tflite"), atol=-1.0)
    assert sorted(os.listdir(tmp_path)) == ["g.tflite"]


def test_litert_falls_back_to_tensorflows_interpreter(gan, tmp_path, monkeypatch):
    path = export.to_litert(gan, str(tmp_path / "g.tflite"), verify=False)
    # ai-edge-litert blocked as openvino is above (both module names: a cached submodule
    # would otherwise still import).
    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    report = export.verify(gan, path)
    assert report.passed and report.max_abs_diff["litert"] <= PARITY
    assert report.versions["litert"].endswith("tf.lite.Interpreter")
    assert _table_rows(report.format_table())["litert"][1].endswith("tf.lite.Interpreter)")


def test_generator_with_an_op_litert_lacks_fails_clearly_and_writes_nothing(tmp_path):
    z = keras.Input((h.LATENT_DIM,), name="z")
    x = keras.layers.Lambda(lambda t: keras.ops.cumprod(t, axis=1))(z)  # no TFLite builtin
    x = keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64, activation="tanh")(x))
    generator = keras.Model(z, x)
    with pytest.raises(ValueError, match=r"cannot be exported to LiteRT.*Cumprod.*--formats saved_model,onnx"):
        export.export(generator, str(tmp_path), name="g", formats=_api.FORMATS)
    assert not os.path.exists(tmp_path / "g" / "1")


def test_cli_prints_every_runtime_and_writes_litert(tmp_path, capsys):
    gan = h.make_gan()
    run_dir = h.write_run_dir(tmp_path / "run", gan.generator, gan.describe())
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = str(tmp_path / "exports")
    code = cli.run(parser.parse_args(["--run-dir", str(run_dir), "--output", out,
                                      "--formats", "saved_model,onnx,litert"]))
    stdout = capsys.readouterr().out
    assert code == 0
    rows = _table_rows(stdout.split("\n", 1)[1])
    assert list(rows) == list(_api.RUNTIMES)
    assert all(rows[r][1].startswith("ok (") for r in CHECKED - {"onnx reference"})
    assert rows["onnx reference"][1].startswith("not checked: off")
    assert all(float(rows[r][0]) <= PARITY for r in CHECKED - {"onnx reference"})

    code = cli.run(parser.parse_args(["--run-dir", str(run_dir), "--output", out, "--version",
                                      "1", "--verify-only", "--reference", "--json"]))
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and set(result["verification"]["max_abs_diff"]) == CHECKED


def test_cli_names_litert_when_asked_for_tflite(capsys):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--run-dir", "r", "--output", "o", "--formats", "onnx,tflite"])
    err = capsys.readouterr().err
    assert "saved_model,onnx,litert" in err and "'onnx,tflite'" in err and "format 'litert'" in err
