"""`keras-gan export` subcommand: flags, exit codes and messages."""

import argparse
import json
import os

import numpy as np
import pytest

import export
from export import cli
from tests import helpers_export as h
from keras_gan import runs


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    code = cli.run(parser.parse_args(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    gan = h.make_cgan()
    return h.write_run_dir(tmp_path_factory.mktemp("runs") / "cgan", gan.generator, gan.describe())


def test_export_run_dir_then_verify_only(run_dir, tmp_path, capsys):
    out = str(tmp_path / "exports")
    code, stdout, _ = _run(["--run-dir", str(run_dir), "--output", out, "--json"], capsys)
    assert code == 0
    result = json.loads(stdout)
    assert result["path"] == os.path.join(out, "cgan", "1") and result["verification"]["passed"]
    assert result["facts"]["num_classes"] == h.NUM_CLASSES
    # The exported ONNX file computes what the run's generator.keras computes.
    generator = export.resolve(str(run_dir))
    z, label = generator.sample_inputs(4, seed=3)
    from export.runtimes import OnnxRuntimeSession
    np.testing.assert_allclose(
        OnnxRuntimeSession(result["onnx"]).run({"z": z, "label": label})["images"],
        generator(z, label).numpy(), atol=1e-4, rtol=0)

    code, stdout, _ = _run(["--run-dir", str(run_dir), "--output", out, "--version", "1",
                            "--verify-only", "--reference"], capsys)
    assert code == 0 and "onnx reference" in stdout and "FAIL" not in stdout


def test_cli_errors_have_exit_code_2_and_a_message(run_dir, tmp_path, capsys):
    out = str(tmp_path / "exports")
    code, _, err = _run(["--run-dir", str(tmp_path / "nothing"), "--output", out], capsys)
    assert code == 2 and "does not exist" in err
    code, _, _ = _run(["--run-dir", str(run_dir), "--output", out, "--formats", "onnx",
                       "--version", "4", "--no-verify"], capsys)
    assert code == 0
    code, _, err = _run(["--run-dir", str(run_dir), "--output", out, "--formats", "onnx",
                         "--version", "4"], capsys)
    assert code == 2 and "already exists" in err and "--overwrite" in err
    code, _, err = _run(["--generator", str(run_dir / runs.GENERATOR_FILE), "--output", out,
                         "--ema"], capsys)
    assert code == 2 and "ema=True" in err
    with pytest.raises(SystemExit):
        _run(["--run-dir", str(run_dir), "--output", out, "--formats", "tflite"], capsys)
