"""Export of a GAIN imputer: SavedModel and ONNX with inputs (x, mask, noise), verified.

The exported function holds the whole imputation, min-max normalization included:

    x_norm    = (x - offset) / span                       (per entry; NaN allowed where missing)
    x_tilde   = where(mask, x_norm, noise)                (noise: U[0, noise_scale) from the caller)
    imputed   = where(mask, x, G(x_tilde, mask) * span + offset)

Inputs are float32 `[batch, *shape]`: raw values `x`, `mask` (1 = observed) and `noise`
(random ops do not convert to ONNX, so the caller draws it). The missing entries of `x` may
hold any *finite* value (0, say), not NaN: tf2onnx lowers every `tf.where` on floats to
`mask * a + (1 - mask) * b`, where `0 * NaN` is NaN. Outputs: `imputed` (raw units,
observed entries passed through unchanged) and `imputed_normalized`. For a table imputer
(`keras_gan.imputation.TableImputer`), `offset` and `span` come from its encoder (one-hot
entries: 0 and 1); for images, pass them (defaults: 0 and 1, data already in [0, 1]).
"""

import json
import os

import numpy as np
import tensorflow as tf

from export import _atomic

SIGNATURE = "serving_default"
INPUTS = ("x", "mask", "noise")


def _resolve(imputer, offset, span):
    from keras_gan.imputation import TableImputer
    from keras_gan.models.gain import GAIN

    if isinstance(imputer, TableImputer):
        if imputer.model is None:
            raise ValueError("The TableImputer is not fitted: nothing to export.")
        if offset is not None or span is not None:
            raise ValueError("`offset` and `span` come from the TableImputer's encoder; do not pass them.")
        offset, span = imputer.encoder.scale()
        if imputer.blend is not None:
            import warnings

            warnings.warn(
                f"The imputer blends GAIN with {imputer.blend!r} (blend={imputer.blend!r}); the export "
                "holds GAIN alone. To reproduce `transform`, average its output with "
                "keras_gan.imputation.mice_impute on the normalized table.", stacklevel=3)
        return imputer.model, offset, span
    if not isinstance(imputer, GAIN):
        raise ValueError(
            "`imputer` must be a keras_gan.models.GAIN or a fitted keras_gan.imputation."
            f"TableImputer. Received: imputer={type(imputer).__name__}"
        )
    shape = imputer.sample_shape
    offset = np.zeros(shape) if offset is None else np.broadcast_to(np.asarray(offset, "float64"), shape)
    span = np.ones(shape) if span is None else np.broadcast_to(np.asarray(span, "float64"), shape)
    if np.any(span <= 0):
        raise ValueError(f"`span` must be positive everywhere. Received: min span {span.min()}")
    return imputer, offset, span


def imputation_function(model, offset, span):
    """The `tf.function` `(x, mask, noise) -> {"imputed", "imputed_normalized"}`."""
    shape = model.sample_shape
    # NumPy here, constants inside the function: an eager tensor captured from outside
    # becomes an extra graph input in tf2onnx ("sub/y").
    offset_values = np.asarray(offset, "float32").reshape(shape)
    span_values = np.asarray(span, "float32").reshape(shape)
    signature = [tf.TensorSpec([None, *shape], tf.float32, name=name) for name in INPUTS]

    @tf.function(input_signature=signature, autograph=False)
    def impute(x, mask, noise):
        offset, span = tf.constant(offset_values), tf.constant(span_values)
        observed = mask > 0.5
        x_norm = (x - offset) / span
        x_tilde = tf.where(observed, x_norm, noise)
        generated = tf.cast(model.generator([x_tilde, mask], training=False), tf.float32)
        completed = tf.where(observed, x_norm, generated)
        return {
            # Observed entries are x itself (not x_norm * span + offset): bit-exact.
            "imputed": tf.where(observed, x, generated * span + offset),
            "imputed_normalized": completed,
        }

    return impute


def reference_imputation(model, offset, span, x, mask, noise):
    """The same computation in NumPy around the Keras generator (the verification's truth)."""
    observed = np.asarray(mask) > 0.5
    x = np.asarray(x, "float32")
    x_norm = np.where(observed, (x - offset) / span, 0.0).astype("float32")
    x_tilde = np.where(observed, x_norm, noise).astype("float32")
    generated = model.generator.predict([x_tilde, np.asarray(mask, "float32")], verbose=0)
    return np.where(observed, x, generated * span + offset)


def export_imputer(imputer, directory, offset=None, span=None, opset=17, overwrite=False):
    """Writes `directory/saved_model/` and `directory/model.onnx` (+ `imputer.json`), atomically.

    Args:
        imputer: keras_gan.models.GAIN or a fitted keras_gan.imputation.TableImputer.
        directory: str. Export folder (replaced only when everything was written).
        offset, span: arrays of the sample shape or None (GAIN only): raw = x * span + offset.
        opset: int. ONNX opset. Defaults to 17 (see export/_onnx.py).
        overwrite: bool. Replace an existing `directory`. Defaults to False.

    Returns:
        The export directory.
    """
    import onnx
    import tf2onnx

    model, offset, span = _resolve(imputer, offset, span)
    function = imputation_function(model, offset, span)
    with _atomic.staged_directory(directory, overwrite=overwrite, argument="directory") as staging:
        module = tf.Module()
        module.impute = function
        concrete = function.get_concrete_function()
        # Track the variables the function reads, not the Keras model: a SavedModel that
        # tracks the model cannot be restored by TF1-style loaders (TF Serving): "Could not
        # find variable ..." (the same as export/_saved_model.py).
        module.captured_variables = list(concrete.variables)
        tf.saved_model.save(module, os.path.join(staging, "saved_model"), signatures={SIGNATURE: concrete})
        onnx_model, _ = tf2onnx.convert.from_function(function, input_signature=function.input_signature,
                                                      opset=opset)
        onnx_model.producer_name = "keras-gan"
        onnx_model.doc_string = (
            f"keras-gan GAIN imputer: x, mask, noise float32 [batch, {', '.join(map(str, model.sample_shape))}]"
            " -> imputed (raw units), imputed_normalized."
        )
        onnx.checker.check_model(onnx_model, full_check=True)
        onnx.save(onnx_model, os.path.join(staging, "model.onnx"))
        with open(os.path.join(staging, "imputer.json"), "w") as f:
            json.dump({"variant": "gain", "sample_shape": list(model.sample_shape),
                       "noise_scale": model.noise_scale, "inputs": list(INPUTS),
                       "offset": np.asarray(offset).tolist(), "span": np.asarray(span).tolist()}, f)
    return os.path.abspath(directory)


class ImputerVerificationError(AssertionError):
    """An exported imputer disagrees with the Keras model."""


def verify_imputer(imputer, directory, x, mask, seed=0, offset=None, span=None, atol=1e-4):
    """Runs the SavedModel (loaded back, TF Serving's loader) and the ONNX model (ONNX
    Runtime) on the same (x, mask, noise) and compares both with the Keras model.

    Returns:
        dict `{"saved_model": max abs diff, "onnx": max abs diff}`.

    Raises:
        ImputerVerificationError: a difference above `atol`, or observed entries changed.
    """
    from export.runtimes import OnnxRuntimeSession, ServingSession

    model, offset, span = _resolve(imputer, offset, span)
    mask = np.asarray(mask, "float32")
    x = np.asarray(x, "float32")
    if not np.all(np.isfinite(x)):
        raise ValueError(
            "`x` must be finite everywhere (put any number, e.g. 0, in missing entries): the "
            "ONNX graph computes mask * x, where NaN would leak into the output."
        )
    noise = np.random.default_rng(seed).uniform(0.0, model.noise_scale, size=x.shape).astype("float32")
    expected = reference_imputation(model, offset, span, x, mask, noise)
    feeds = {"x": x, "mask": mask, "noise": noise}
    with ServingSession(os.path.join(directory, "saved_model")) as session:
        saved = session.run(SIGNATURE, feeds)["imputed"]
    onnx_session = OnnxRuntimeSession(os.path.join(directory, "model.onnx"))
    names = [i.name for i in onnx_session._session.get_inputs()]
    # tf2onnx names inputs after the TensorSpecs, possibly with a ":0" suffix.
    onnx_out = onnx_session.run({name: feeds[name.split(":")[0]] for name in names})
    onnx_imputed = next(v for k, v in onnx_out.items() if k.split(":")[0] == "imputed")
    diffs = {}
    observed = mask > 0.5
    for runtime, values in (("saved_model", saved), ("onnx", onnx_imputed)):
        if not np.array_equal(values[observed], x[observed]):
            raise ImputerVerificationError(f"{runtime}: observed entries were changed.")
        diffs[runtime] = float(np.max(np.abs(values - expected)))
        if not diffs[runtime] <= atol:
            raise ImputerVerificationError(
                f"{runtime} differs from the Keras imputer by {diffs[runtime]:.3g} > atol={atol}."
            )
    return diffs
