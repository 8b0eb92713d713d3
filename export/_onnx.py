"""ONNX export through `tf2onnx.convert.from_function`.

`tf2onnx.convert.from_keras` fails on Keras 3 models, so the generator is wrapped in a
`tf.function` with an explicit input signature and converted from there (see traps.md).
The function returns a dict, which names the ONNX outputs; noise is an input because
random ops do not convert.
"""

import json

import onnx
import tensorflow as tf

from export._saved_model import to_uint8

# Opset 17: the newest opset that every maintained runtime a generator is deployed to runs
# (ONNX Runtime >= 1.12 incl. onnxruntime-node/-web, TensorRT >= 8.6, OpenVINO), and it has
# every op a conv generator needs (ConvTranspose, BatchNormalization, Resize,
# LayerNormalization). tf2onnx 1.17 knows opsets up to 18.
DEFAULT_OPSET = 17
MIN_OPSET, MAX_OPSET = 13, 18
METADATA_PREFIX = "keras_gan."


def metadata_props(facts):
    """The facts as ONNX `metadata_props`: `keras_gan.<fact>` -> JSON text."""
    props = {f"{METADATA_PREFIX}{key}": json.dumps(value) for key, value in facts.to_dict().items()}
    props[f"{METADATA_PREFIX}facts"] = json.dumps(facts.to_dict())
    return props


def read_metadata(model):
    """Reads the facts back from an ONNX model (or path) as a dict."""
    if isinstance(model, str):
        model = onnx.load(model, load_external_data=False)
    props = {p.key: p.value for p in model.metadata_props}
    key = f"{METADATA_PREFIX}facts"
    if key not in props:
        raise ValueError(f"ONNX model has no {key!r} metadata: not a keras-gan export.")
    return json.loads(props[key])


def inference_function(generator):
    """The generator as a `tf.function` with the exported inputs and outputs.

    Shared by the ONNX and LiteRT exports so that both files have the same interface:
    inputs `z` float32 `[batch, latent_dim]` and, when conditional, `label` int32
    `[batch]`; a dict output (which names the outputs) `images` float32 and
    `images_uint8`.

    Returns:
        (tf.function, its input signature as a list of `tf.TensorSpec`).
    """
    facts = generator.facts
    z_spec = tf.TensorSpec([None, facts.latent_dim], tf.float32, name="z")

    def outputs(images):
        images = tf.cast(images, tf.float32)
        return {"images": images, "images_uint8": to_uint8(images, facts.value_range)}

    if facts.conditional:
        signature = [z_spec, tf.TensorSpec([None], tf.int32, name="label")]

        @tf.function(input_signature=signature, autograph=False)
        def function(z, label):
            return outputs(generator.model([z, label], training=False))
    else:
        signature = [z_spec]

        @tf.function(input_signature=signature, autograph=False)
        def function(z):
            return outputs(generator.model(z, training=False))

    return function, signature


def convert(generator, opset=DEFAULT_OPSET):
    """Converts a `ResolvedGenerator` into a checked `onnx.ModelProto`.

    Args:
        generator: ResolvedGenerator.
        opset: int. ONNX opset, 13 to 18. Defaults to 17.

    Returns:
        onnx.ModelProto with inputs `z` (float32 [batch, latent_dim]) and, when
        conditional, `label` (int32 [batch]); outputs `images` (float32
        [batch, H, W, C]) and `images_uint8`.
    """
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= MAX_OPSET:
        raise ValueError(
            f"`opset` must be an int in [{MIN_OPSET}, {MAX_OPSET}] (tf2onnx 1.17 supports up "
            f"to {MAX_OPSET}). Received: opset={opset!r}"
        )
    import tf2onnx  # slow import; only needed here

    facts = generator.facts
    function, signature = inference_function(generator)
    model, _ = tf2onnx.convert.from_function(function, input_signature=signature, opset=opset)
    model.producer_name = "keras-gan"
    model.doc_string = (
        f"keras-gan {facts.variant} generator: z [batch, {facts.latent_dim}]"
        + (f", label int32 [batch] in [0, {facts.num_classes})" if facts.conditional else "")
        + f" -> images float32 [batch, {', '.join(map(str, facts.image_shape))}] in "
        f"[{facts.value_range[0]}, {facts.value_range[1]}] and images_uint8."
    )
    onnx.helper.set_model_props(model, metadata_props(facts))
    onnx.checker.check_model(model, full_check=True)
    return model
