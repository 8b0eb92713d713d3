"""Benchmarks stay working: FLOP counting checked against hand counts and TF's profiler,
and each benchmark script run with `--smoke` in a subprocess, its JSON checked.

The benchmarks are not timed here: only that they run and report sane numbers.
"""

import json
import math
import os
import subprocess
import sys

import pytest
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from keras_gan import networks
from tests.helpers import ROOT, load_script
from tests.test_benchmarks_machine import assert_machine_reported

BENCHMARKS = os.path.join(ROOT, "benchmarks")


flops = load_script("benchmarks/flops.py")

# The TF DCGAN tutorial network, multiply-adds per image, worked out by hand:
# G: dense 100*12544; deconv 7*7*256 *25*128; deconv 7*7*128 *25*64; deconv 14*14*64 *25*1.
G_MACS = 100 * 12544 + 7 * 7 * 256 * 25 * 128 + 7 * 7 * 128 * 25 * 64 + 14 * 14 * 64 * 25 * 1
G_FIRST = 100 * 12544
# D: conv 14*14*64 *25*1; conv 7*7*128 *25*64; dense 6272*1.
D_MACS = 14 * 14 * 64 * 25 * 1 + 7 * 7 * 128 * 25 * 64 + 6272
D_FIRST = 14 * 14 * 64 * 25


@pytest.fixture(scope="module")
def tutorial_networks():
    return networks.dcgan_generator(100, (28, 28, 1)), networks.dcgan_discriminator((28, 28, 1))


def test_flops_match_hand_count(tutorial_networks):
    generator, discriminator = tutorial_networks
    assert generator.count_params() == 2_330_944 and discriminator.count_params() == 212_865
    assert flops.model_macs(generator) == (G_MACS, G_FIRST) == (51_744_000, 1_254_400)
    assert flops.model_macs(discriminator) == (D_MACS, D_FIRST)
    alternating = flops.step_flops_per_example(generator, discriminator, "alternating")
    simultaneous = flops.step_flops_per_example(generator, discriminator, "simultaneous")
    reuse = flops.step_flops_per_example(generator, discriminator, "alternating_reuse")
    assert alternating == 2 * (4 * G_MACS + 8 * D_MACS - 2 * D_FIRST - G_FIRST) == 575_869_952
    assert reuse == alternating - 2 * G_MACS == 472_381_952
    assert simultaneous == 2 * (3 * G_MACS + 7 * D_MACS - 2 * D_FIRST - G_FIRST) == 451_671_808
    with pytest.raises(ValueError, match="loop="):
        flops.step_flops_per_example(generator, discriminator, "lockstep")


@pytest.mark.parametrize("which", ["generator", "discriminator"])
def test_forward_flops_match_tf_profiler(tutorial_networks, which):
    """TF's own op-level FLOP statistics of the traced forward graph (matmuls and
    convolutions only; the analytical count ignores element-wise ops) agree exactly."""
    model = dict(zip(("generator", "discriminator"), tutorial_networks))[which]
    spec = tf.TensorSpec([1, *model.input_shape[1:]], tf.float32)
    concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
    graph = convert_variables_to_constants_v2(concrete).graph
    options = (
        tf.compat.v1.profiler.ProfileOptionBuilder(
            tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
        ).with_empty_output().build()
    )
    profile = tf.compat.v1.profiler.profile(graph=graph, options=options)
    heavy_ops = ("MatMul", "convolution", "conv_transpose")
    profiled = sum(c.total_float_ops for c in profile.children if c.name.endswith(heavy_ops))
    assert profiled == 2 * flops.model_macs(model)[0]


def _run_smoke(script, json_path, *extra):
    completed = subprocess.run(
        [sys.executable, os.path.join(BENCHMARKS, script), "--smoke", "--json", str(json_path), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    with open(json_path) as f:
        return json.load(f), completed.stdout


def _positive_finite(value):
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.mark.slow
def test_train_throughput_smoke(tmp_path):
    result, stdout = _run_smoke("train_throughput.py", tmp_path / "train.json")
    assert "keras_gan / keras_io" in stdout
    assert_machine_reported(result, stdout, "DCGAN (TF tutorial) training")
    assert set(result["loops"]) == {"keras_gan", "keras_gan_reuse", "keras_io", "tutorial"}
    for dtype in ("float32", "bfloat16"):
        assert _positive_finite(result["matmul"][dtype]["gflops_per_second"])
    for loop in result["loops"].values():
        for key in ("images_per_second", "images_per_cpu_second", "gflops_per_second",
                    "fraction_of_float32_matmul",
                    "fraction_of_bfloat16_matmul", "flops_per_image"):
            assert _positive_finite(loop[key]), (key, loop[key])
        assert len(loop["windows_images_per_second"]) == result["config"]["windows"]
    # The loops trained the same networks from the same initial weights.
    loops = list(result["loops"].values())
    for key in ("generator_params", "discriminator_params", "initial_weights_checksum"):
        assert len({loop[key] for loop in loops}) == 1, key
    assert loops[0]["generator_params"] == 2_330_944
    assert loops[0]["discriminator_params"] == 212_865
    assert result["loops"]["keras_gan"]["flops_per_image"] == 575_869_952
    assert result["loops"]["tutorial"]["flops_per_image"] == 451_671_808
    assert result["loops"]["keras_gan_reuse"]["flops_per_image"] == 472_381_952
    rates = {name: loop["images_per_second"] for name, loop in result["loops"].items()}
    assert result["ratios"]["keras_gan_vs_keras_io"] == pytest.approx(rates["keras_gan"] / rates["keras_io"])
    assert result["ratios"]["keras_gan_vs_tutorial"] == pytest.approx(rates["keras_gan"] / rates["tutorial"])
    assert result["ratios"]["keras_gan_reuse_vs_keras_io"] == pytest.approx(
        rates["keras_gan_reuse"] / rates["keras_io"])
    cpu = {name: loop["images_per_cpu_second"] for name, loop in result["loops"].items()}
    assert result["ratios_per_cpu_second"]["keras_gan_reuse_vs_keras_io"] == pytest.approx(
        cpu["keras_gan_reuse"] / cpu["keras_io"])
    assert "ratios per CPU-second:" in stdout


@pytest.mark.slow
def test_input_pipeline_smoke(tmp_path):
    result, stdout = _run_smoke("input_pipeline.py", tmp_path / "input.json", "--train-images-per-second", "50")
    assert_machine_reported(result, stdout, "keras_gan.data pipelines")
    assert result["training_images_per_second"] == 50.0
    expected = {f"{s}/{p}" for s in ("digits_28", "digits_32", "ring8") for p in ("load", "epoch_dataset")}
    assert set(result["pipelines"]) == expected
    shapes = {"digits_28": [28, 28, 1], "digits_32": [32, 32, 1], "ring8": [2]}
    for name, entry in result["pipelines"].items():
        assert entry["element_shape"] == shapes[name.split("/")[0]]
        assert _positive_finite(entry["examples_per_second"])
        assert entry["ratio_to_training"] == pytest.approx(entry["examples_per_second"] / 50.0)
        assert entry["meets_goal"] == (entry["ratio_to_training"] >= 10)


@pytest.mark.slow
def test_export_latency_smoke(tmp_path):
    result, stdout = _run_smoke("export_latency.py", tmp_path / "latency.json")
    runtimes = {"keras eager", "keras tf.function", "saved_model (tf1 session)", "onnxruntime"}
    assert {(row["runtime"], row["batch"]) for row in result["results"]} == {
        (name, batch) for name in runtimes for batch in (1, 2)}
    for row in result["results"]:
        assert 0 < row["p10_ms"] <= row["median_ms"] <= row["p90_ms"], row
        assert row["images_per_second"] == pytest.approx(row["batch"] * 1e3 / row["median_ms"])
    assert result["facts"]["image_shape"] == [16, 16, 1] and "onnxruntime" in stdout
    assert_machine_reported(result, stdout, "Latency of one generator call")
