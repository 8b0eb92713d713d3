"""LiteRT (TensorFlow Lite) export: the generator as one `.tflite` flatbuffer for devices.

The file has the ONNX file's interface (`export._onnx.inference_function`): signature
`serving_default`, inputs `z` float32 `[batch, latent_dim]` and (conditional) `label` int32
`[batch]`, outputs `images` float32 and `images_uint8`, dynamic batch (the interpreter's
signature runner resizes the inputs).

Why not `keras.Model.export(path, format="litert")`: with the TF backend it runs the same
converter (ExportArchive -> SavedModel -> `tf.lite.TFLiteConverter.from_saved_model`), but
on `model.__call__` only, so its input is named after the Keras tensor (`keras_tensor`),
its output `output_0`, and there is no `images_uint8`; it also allows `SELECT_TF_OPS`,
whose TensorFlow kernels the standalone `ai-edge-litert` interpreter does not have. Here
the conversion allows TFLite builtin ops only: a generator that needs a TensorFlow op
fails at export, not on the device.

`tf.lite.TFLiteConverter.from_concrete_functions` is not used either: with Keras 3
variables it writes uninitialised `VAR_HANDLE`s instead of the weights (a 19 KB file for a
14 MB DCGAN generator); going through a SavedModel freezes them.
"""

import re
import tempfile

import keras
import tensorflow as tf

from export._onnx import inference_function

SIGNATURE = "serving_default"


def convert(generator):
    """Converts a `ResolvedGenerator` into LiteRT flatbuffer bytes (float32, builtin ops).

    Args:
        generator: ResolvedGenerator.

    Returns:
        bytes. The `.tflite` model.
    """
    function, _ = inference_function(generator)
    with tempfile.TemporaryDirectory(prefix="keras_gan_litert_") as saved_model_dir:
        archive = keras.export.ExportArchive()
        archive.track(generator.model)
        archive.add_endpoint(SIGNATURE, function)
        archive.write_out(saved_model_dir, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(
            saved_model_dir, signature_keys=[SIGNATURE]
        )
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            return converter.convert()
        except Exception as err:  # ConverterError, or whatever MLIR raised
            raise ValueError(
                f"The generator of variant {generator.facts.variant!r} cannot be exported to "
                f"LiteRT: {_reason(err)}. LiteRT exports allow TFLite builtin ops only (a "
                "standalone LiteRT interpreter has no TensorFlow kernels). Export the other "
                "formats instead: formats=('saved_model', 'onnx') / --formats saved_model,onnx."
            ) from err


def _reason(err):
    """The ops the converter could not lower, else the first line of its message."""
    text = str(err)
    ops = sorted(set(re.findall(r"'tf\.(\w+)' op is neither a custom op nor a flex op", text)))
    if ops:
        return f"it uses TensorFlow ops without a TFLite builtin kernel: {', '.join(ops)}"
    return text.strip().splitlines()[0] if text.strip() else repr(err)
