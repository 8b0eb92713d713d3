"""Export layer: parity in ONNX Runtime, onnx's reference evaluator and a SavedModel loaded
the way TF Serving loads it; signatures, metadata, atomic writes and bad input."""

import json
import math
import os

import keras
import numpy as np
import onnx
import pytest
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

import export
from export.runtimes import OnnxReferenceSession, OnnxRuntimeSession, ServingSession
from tests import helpers_export as h
from tests.helpers_export import cgan, gan  # noqa: F401  (module fixtures)
from keras_gan import runs

ATOL = 1e-4


@pytest.fixture(scope="module")
def ema_gan():
    return h.make_gan(ema_decay=0.5, train_steps=2)


@pytest.fixture(scope="module")
def gan_export(gan, tmp_path_factory):
    return export.export(gan, str(tmp_path_factory.mktemp("gan_out")), reference=True)


@pytest.fixture(scope="module")
def cgan_export(cgan, tmp_path_factory):
    return export.export(cgan, str(tmp_path_factory.mktemp("cgan_out")), reference=True,
                         truncation=True)


def _onnx_outputs(path, feeds):
    return OnnxRuntimeSession(path).run(feeds), OnnxReferenceSession(path).run(feeds)


# ------------------------------------------------------------------ parity


def test_gan_export_matches_keras_in_both_onnx_runtimes(gan, gan_export):
    assert gan_export.verification.passed
    assert set(gan_export.verification.max_abs_diff) == {
        "saved_model (tf serving)", "onnxruntime", "onnx reference", "openvino (cpu, f32)"}
    for batch in (1, 7):  # dynamic batch
        z = h.noise(batch, seed=batch)
        expected = gan.generator(z, training=False).numpy()
        ort, ref = _onnx_outputs(gan_export.onnx, {"z": z})
        assert ort["images"].shape == (batch, *h.IMAGE_SHAPE)
        np.testing.assert_allclose(ort["images"], expected, atol=ATOL, rtol=0)
        np.testing.assert_allclose(ref["images"], expected, atol=ATOL, rtol=0)
        # uint8: round(255 * (x + 1) / 2); a runtime may land on the other side of .5.
        golden = np.round((expected + 1.0) * 127.5).astype(int)
        assert np.max(np.abs(ort["images_uint8"].astype(int) - golden)) <= 1


@pytest.mark.slow  # a fresh Python process loads TensorFlow
def test_gan_saved_model_matches_keras_loaded_like_tf_serving(gan, gan_export, tmp_path):
    z = h.noise(6, seed=11)
    outputs, info = h.run_like_tf_serving(tmp_path, gan_export.path, "serving_default", {"z": z})
    assert info["loaded_modules"] == []
    assert set(info["inputs"]) == {"z"} and set(info["outputs"]) == {"images", "images_uint8"}
    np.testing.assert_allclose(
        outputs["images"], gan.generator(z, training=False).numpy(), atol=ATOL, rtol=0)
    assert outputs["images_uint8"].dtype == np.uint8


@pytest.mark.slow  # a fresh Python process loads TensorFlow
def test_cgan_export_matches_keras_in_all_runtimes(cgan, cgan_export, tmp_path):
    assert cgan_export.facts.num_classes == h.NUM_CLASSES
    z = h.noise(6, seed=5)
    label = np.array([0, 1, 2, 2, 1, 0], np.int32)
    expected = cgan.generator([z, label], training=False).numpy()
    # Labels matter: the same z with other labels gives other images.
    assert np.max(np.abs(expected - cgan.generator([z, (label + 1) % 3]).numpy())) > 1e-3
    ort, ref = _onnx_outputs(cgan_export.onnx, {"z": z, "label": label})
    np.testing.assert_allclose(ort["images"], expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(ref["images"], expected, atol=ATOL, rtol=0)
    outputs, info = h.run_like_tf_serving(
        tmp_path, cgan_export.path, "serving_default", {"z": z, "label": label})
    assert set(info["inputs"]) == {"z", "label"} and info["loaded_modules"] == []
    np.testing.assert_allclose(outputs["images"], expected, atol=ATOL, rtol=0)


@pytest.mark.slow  # a fresh Python process loads TensorFlow
def test_ema_weights_are_exported_by_default_and_raw_weights_on_request(ema_gan, tmp_path):
    z = h.noise(4, seed=3)
    ema_images = ema_gan.ema_generator(z, training=False).numpy()
    raw_images = ema_gan.generator(z, training=False).numpy()
    assert np.max(np.abs(ema_images - raw_images)) > 1e-3  # training moved the raw weights
    result = export.export(ema_gan, str(tmp_path / "out"), reference=True)
    assert result.facts.ema is True and result.verification.passed
    ort, ref = _onnx_outputs(result.onnx, {"z": z})
    np.testing.assert_allclose(ort["images"], ema_images, atol=ATOL, rtol=0)
    np.testing.assert_allclose(ref["images"], ema_images, atol=ATOL, rtol=0)
    served, _ = h.run_like_tf_serving(tmp_path, result.path, "serving_default", {"z": z})
    np.testing.assert_allclose(served["images"], ema_images, atol=ATOL, rtol=0)

    raw = export.to_onnx(ema_gan, str(tmp_path / "raw.onnx"), ema=False)
    np.testing.assert_allclose(
        OnnxRuntimeSession(raw).run({"z": z})["images"], raw_images, atol=ATOL, rtol=0)
    assert export.read_metadata(raw)["ema"] is False


# ------------------------------------------------------------------ generate signature


def test_generate_is_deterministic_for_a_seed_and_uses_the_generator(gan, gan_export):
    with ServingSession(gan_export.path) as session:
        feeds = {"seed": np.int64(42), "num_images": np.int32(5)}
        first = session.run("generate", feeds)
        again = session.run("generate", feeds)
        other = session.run("generate", {"seed": np.int64(43), "num_images": np.int32(5)})
    np.testing.assert_array_equal(first["images"], again["images"])
    np.testing.assert_array_equal(first["z"], again["z"])
    assert np.max(np.abs(first["z"] - other["z"])) > 0.1
    # The noise is tf.random.stateless_normal with seed (seed, 0), drawn here independently.
    golden_z = tf.random.stateless_normal([5, h.LATENT_DIM], seed=[42, 0]).numpy()
    np.testing.assert_allclose(first["z"], golden_z, atol=1e-6)
    np.testing.assert_allclose(
        first["images"], gan.generator(golden_z, training=False).numpy(), atol=ATOL, rtol=0)


def test_generate_broadcasts_one_label_and_truncates_noise(cgan, cgan_export):
    with ServingSession(cgan_export.path) as session:
        assert sorted(session.signature("generate").inputs) == [
            "label", "num_images", "seed", "truncation"]
        one = session.run("generate", {"seed": np.int64(1), "num_images": np.int32(4),
                                       "label": np.array([2], np.int32),
                                       "truncation": np.float32(50.0)})
        truncated = session.run("generate", {"seed": np.int64(2), "num_images": np.int32(4096),
                                             "label": np.array([1], np.int32),
                                             "truncation": np.float32(1.0)})
    expected = cgan.generator([one["z"], np.full(4, 2, np.int32)], training=False).numpy()
    np.testing.assert_allclose(one["images"], expected, atol=ATOL, rtol=0)
    z = truncated["z"]
    assert np.max(np.abs(z)) <= 1.0 + 1e-6
    # Variance of N(0, 1) truncated to [-1, 1]: 1 - 2 phi(1) / (2 Phi(1) - 1) = 0.29112.
    phi1 = math.exp(-0.5) / math.sqrt(2 * math.pi)
    golden_var = 1 - 2 * phi1 / math.erf(1 / math.sqrt(2))
    assert abs(np.mean(z**2) - golden_var) < 0.01  # std of the estimate ~ 0.0016
    assert abs(np.mean(z)) < 0.01


# ------------------------------------------------------------------ formats and facts


def test_onnx_model_is_named_checked_dynamic_and_self_describing(cgan_export):
    model = onnx.load(cgan_export.onnx)
    onnx.checker.check_model(model, full_check=True)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [17]
    inputs = {i.name: i.type.tensor_type for i in model.graph.input}
    outputs = {o.name: o.type.tensor_type for o in model.graph.output}
    assert set(inputs) == {"z", "label"} and set(outputs) == {"images", "images_uint8"}
    assert inputs["z"].elem_type == onnx.TensorProto.FLOAT
    assert inputs["label"].elem_type == onnx.TensorProto.INT32
    z_dims = inputs["z"].shape.dim
    assert z_dims[0].dim_param and not z_dims[0].HasField("dim_value")  # dynamic batch
    assert z_dims[1].dim_value == h.LATENT_DIM
    assert [d.dim_value for d in outputs["images"].shape.dim[1:]] == list(h.IMAGE_SHAPE)
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["keras_gan.latent_dim"]) == h.LATENT_DIM
    assert json.loads(props["keras_gan.num_classes"]) == h.NUM_CLASSES
    assert json.loads(props["keras_gan.image_shape"]) == list(h.IMAGE_SHAPE)
    assert json.loads(props["keras_gan.value_range"]) == [-1.0, 1.0]
    assert json.loads(props["keras_gan.variant"]) == "cgan"
    assert export.read_metadata(model) == cgan_export.facts.to_dict()


def test_saved_model_layout_asset_readme_and_signatures(cgan, cgan_export):
    assert cgan_export.path.endswith(os.path.join("cgan", "1"))
    files = set(os.listdir(cgan_export.path))
    assert {"saved_model.pb", "variables", "assets", "model.onnx", "model.json", "README.md"} <= files
    facts = cgan.describe()
    with open(os.path.join(cgan_export.path, "assets", "model.json")) as f:
        asset = json.load(f)
    for key in ("variant", "latent_dim", "num_classes", "image_shape", "value_range", "step"):
        assert asset[key] == facts[key], key
    readme = open(os.path.join(cgan_export.path, "README.md")).read()
    assert '"latent_dim": 8' in readme and "docker run" in readme and ":predict" in readme
    with ServingSession(cgan_export.path) as session:
        serving = session.signature("serving_default")
        assert serving.inputs["label"].dtype == tf.int32.as_datatype_enum
        assert [d.size for d in serving.inputs["z"].tensor_shape.dim] == [-1, h.LATENT_DIM]  # z declares its width
        assert serving.outputs["images_uint8"].dtype == tf.uint8.as_datatype_enum
    # The asset is registered in the MetaGraph, not just a file lying in the folder.
    saved_model = saved_model_pb2.SavedModel()
    with open(os.path.join(cgan_export.path, "saved_model.pb"), "rb") as f:
        saved_model.ParseFromString(f.read())
    assets = [a.filename for a in saved_model.meta_graphs[0].asset_file_def]
    assert assets == ["model.json"]


def test_versions_count_up_and_formats_can_be_chosen(gan, tmp_path):
    first = export.export(gan, str(tmp_path), name="toy", formats=["onnx"], verify=False)
    second = export.export(gan, str(tmp_path), name="toy", formats=["saved_model"], verify=False)
    assert (first.version, second.version) == (1, 2)
    assert set(os.listdir(first.path)) == {"model.onnx", "model.json", "README.md"}
    assert "model.onnx" not in os.listdir(second.path)
    assert sorted(os.listdir(tmp_path / "toy")) == ["1", "2"]  # no temporary leftovers


def test_mixed_precision_generator_is_exported_in_float32(tmp_path):
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        mixed = h.tiny_generator(seed=4)
    finally:
        keras.config.set_dtype_policy("float32")
    path = export.to_onnx(mixed, str(tmp_path / "g.onnx"))
    model = onnx.load(path)
    types = {i.data_type for i in model.graph.initializer}
    assert types <= {onnx.TensorProto.FLOAT, onnx.TensorProto.INT64, onnx.TensorProto.INT32}
    z = h.noise(3)
    reference = h.tiny_generator(seed=4)  # the same weights, float32 policy
    reference.set_weights([np.asarray(w, "float32") for w in mixed.get_weights()])
    np.testing.assert_allclose(
        OnnxRuntimeSession(path).run({"z": z})["images"], reference(z).numpy(), atol=ATOL, rtol=0)


# ------------------------------------------------------------------ inputs: files and run dirs


def test_run_directory_and_keras_file_inputs(ema_gan, tmp_path):
    run_dir = h.write_run_dir(tmp_path / "run", ema_gan.generator, ema_gan.describe(),
                              ema_generator=ema_gan.ema_generator)
    z = h.noise(3, seed=9)
    resolved = export.resolve(str(run_dir))
    assert resolved.facts.ema and resolved.facts.step == ema_gan.step == 2
    np.testing.assert_allclose(resolved(z).numpy(), ema_gan.ema_generator(z).numpy(), atol=1e-6)
    raw = export.resolve(str(run_dir), ema=False)
    np.testing.assert_allclose(raw(z).numpy(), ema_gan.generator(z).numpy(), atol=1e-6)
    single = export.resolve(str(run_dir / runs.GENERATOR_FILE))
    assert single.facts.step == 2 and not single.facts.ema  # facts from model.json beside it


# ------------------------------------------------------------------ bad input


def test_bad_sources_are_refused_with_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="not a generator.*discriminator"):
        export.resolve(h.discriminator())
    with pytest.raises(ValueError, match="gan_or_generator.*Received: 42"):
        export.resolve(42)
    (tmp_path / "empty_run").mkdir()
    (tmp_path / "empty_run" / runs.LOSSES_CSV).write_text("step,d_loss\n")
    with pytest.raises(FileNotFoundError, match="has no generator.keras.*losses.csv"):
        export.resolve(str(tmp_path / "empty_run"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export.resolve(str(tmp_path / "missing.keras"))
    with pytest.raises(ValueError, match="`latent_dim` does not match"):
        export.resolve(h.tiny_generator(), latent_dim=9)
    with pytest.raises(ValueError, match="ema=True"):
        export.resolve(h.tiny_generator(), ema=True)
    with pytest.raises(ValueError, match="opset"):
        export.to_onnx(h.tiny_generator(), str(tmp_path / "x.onnx"), opset=19)


def test_existing_version_is_refused_unless_overwrite(gan, tmp_path):
    first = export.export(gan, str(tmp_path), name="g", version=3, formats=["onnx"], verify=False)
    marker = os.path.join(first.path, "model.onnx")
    before = os.path.getmtime(marker)
    with pytest.raises(FileExistsError, match="already exists.*overwrite"):
        export.export(gan, str(tmp_path), name="g", version=3, formats=["onnx"], verify=False)
    assert os.path.getmtime(marker) == before
    export.export(gan, str(tmp_path), name="g", version=3, overwrite=True)
    assert "saved_model.pb" in os.listdir(first.path)
    assert sorted(os.listdir(tmp_path / "g")) == ["3"]


def test_failed_export_leaves_no_version_folder(gan, tmp_path, monkeypatch):
    # A real failure after every file was written: verification with an impossible atol.
    with pytest.raises(export.VerificationError, match="onnxruntime"):
        export.export(gan, str(tmp_path), name="g", version=1, atol=-1.0)
    assert os.listdir(tmp_path / "g") == []

    # A failure between the SavedModel and the ONNX file, over an existing good version.
    good = export.export(gan, str(tmp_path), name="g", version=1, formats=["onnx"], verify=False)

    def broken_save(*args, **kwargs):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(onnx, "save", broken_save)
    with pytest.raises(OSError, match="injected"):
        export.export(gan, str(tmp_path), name="g", version=1, overwrite=True)
    assert sorted(os.listdir(tmp_path / "g")) == ["1"]
    assert set(os.listdir(good.path)) == {"model.onnx", "model.json", "README.md"}


def test_serving_rejects_wrong_z_width_and_out_of_range_labels(cgan_export):
    z = h.noise(2)
    with ServingSession(cgan_export.path) as session:
        # Fed by tensor name, as TF Serving does: the graph's own asserts answer.
        signature = session.signature("serving_default")
        run = session._session.run
        name = signature.outputs["images"].name
        # z's width is in the signature ([-1, 8]): the feed is refused before it runs.
        assert [d.size for d in signature.inputs["z"].tensor_shape.dim] == [-1, h.LATENT_DIM]
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 7\).*\(None, 8\)"):
            run(name, {signature.inputs["z"].name: h.noise(2, latent_dim=7),
                       signature.inputs["label"].name: np.array([0, 1], np.int32)})
        for bad in (3, -1):
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"`label` must be in \[0, 3\)"):
                run(name, {signature.inputs["z"].name: z,
                           signature.inputs["label"].name: np.array([0, bad], np.int32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="one entry per row"):
            run(name, {signature.inputs["z"].name: z,
                       signature.inputs["label"].name: np.array([0], np.int32)})


def test_to_saved_model_writes_a_verified_servable_folder(gan, tmp_path):
    path = export.to_saved_model(gan, str(tmp_path / "g" / "1"))
    assert sorted(os.listdir(tmp_path / "g")) == ["1"]
    z = h.noise(3, seed=2)
    with ServingSession(path) as session:
        images = session.run("serving_default", {"z": z})["images"]
    np.testing.assert_allclose(images, gan.generator(z, training=False).numpy(), atol=ATOL, rtol=0)
    with pytest.raises(FileExistsError, match="`path` already exists"):
        export.to_saved_model(gan, path)
