"""SavedModel export with TF Serving signatures.

Signatures (batch is dynamic everywhere):

- `serving_default(z: float32 [batch, latent_dim], label: int32 [batch])` (no `label` for
  unconditional generators) -> `images` float32 `[batch, H, W, C]` in `value_range`,
  `images_uint8` uint8 in [0, 255].
- `generate(seed: int64 [], num_images: int32 [], label: int32 [1 or num_images],
  truncation: float32 [])` -> `images`, `images_uint8` and the noise `z` it drew. `label`
  only for conditional generators, `truncation` only when exported with `truncation=True`.
  Same seed, same images: the noise comes from `tf.random.stateless_normal`.

`z`'s width is declared in the signature (`[-1, latent_dim]` in the signature_def, what
TF Serving's metadata endpoint reports). Inputs are also checked inside the graph with
`tf.debugging.assert_*`, so a server answers a wrong `z` width or an out-of-range label
with a message naming the input.
"""

import json
import math
import os
import tempfile

import tensorflow as tf

FACTS_ASSET = "model.json"


def to_uint8(images, value_range):
    """Maps `images` from `value_range` to uint8: `round(255 * (x - lo) / (hi - lo))`, clipped."""
    low, high = value_range
    scaled = (images - low) * (255.0 / (high - low))
    return tf.cast(tf.round(tf.clip_by_value(scaled, 0.0, 255.0)), tf.uint8)


def _checked_inputs(z, label, facts):
    """Asserts the serving inputs' shapes and ranges; returns them with static shapes."""
    latent_dim = facts.latent_dim
    checks = [
        tf.debugging.assert_equal(
            tf.shape(z)[1],
            latent_dim,
            message=f"input `z` must have shape [batch, {latent_dim}] (latent_dim={latent_dim}); "
            "received width",
        )
    ]
    if label is not None:
        checks += [
            tf.debugging.assert_equal(
                tf.shape(label)[0],
                tf.shape(z)[0],
                message="input `label` must have one entry per row of `z`; received sizes",
            ),
            tf.debugging.assert_non_negative(
                label, message=f"input `label` must be in [0, {facts.num_classes}); received"
            ),
            tf.debugging.assert_less(
                label,
                tf.constant(facts.num_classes, label.dtype),
                message=f"input `label` must be in [0, {facts.num_classes}); received",
            ),
        ]
    with tf.control_dependencies(checks):
        z = tf.ensure_shape(tf.identity(z), [None, latent_dim])
        if label is not None:
            label = tf.ensure_shape(tf.identity(label), [None])
    return z, label


def _outputs(generator, z, label, facts):
    images = generator.model(z if label is None else [z, label], training=False)
    images = tf.cast(images, tf.float32)
    return {"images": images, "images_uint8": to_uint8(images, facts.value_range)}


def truncated_normal(shape, seed, truncation):
    """Standard normal noise truncated to [-t, t], exactly, by inverting the CDF.

    `z = sqrt(2) * erfinv(u)` with `u ~ U(-erf(t / sqrt(2)), erf(t / sqrt(2)))` (the
    "truncation trick" of Brock et al. 2019, BigGAN, arXiv:1809.11096, without resampling).
    """
    bound = tf.math.erf(truncation / math.sqrt(2.0))
    u = tf.random.stateless_uniform(shape, seed=seed, minval=-1.0, maxval=1.0) * bound
    return math.sqrt(2.0) * tf.math.erfinv(u)


def build_module(generator, truncation=False):
    """Builds the `tf.Module` holding the signatures; returns (module, signatures)."""
    facts = generator.facts
    conditional = facts.conditional
    # The width is part of the signature, so TF Serving's model metadata
    # (`GET /v1/models/NAME/metadata`) tells a client z's shape: [-1, latent_dim].
    z_spec = tf.TensorSpec([None, facts.latent_dim], tf.float32, name="z")
    label_spec = tf.TensorSpec([None], tf.int32, name="label")

    if conditional:
        @tf.function(input_signature=[z_spec, label_spec], autograph=False)
        def serve(z, label):
            z, label = _checked_inputs(z, label, facts)
            return _outputs(generator, z, label, facts)
    else:
        @tf.function(input_signature=[z_spec], autograph=False)
        def serve(z):
            z, _ = _checked_inputs(z, None, facts)
            return _outputs(generator, z, None, facts)

    def generate_impl(seed, num_images, label, truncation_value):
        checks = [
            tf.debugging.assert_positive(
                num_images, message="input `num_images` must be a positive integer; received"
            )
        ]
        if truncation_value is not None:
            checks.append(
                tf.debugging.assert_positive(
                    truncation_value, message="input `truncation` must be > 0; received"
                )
            )
        if label is not None:
            checks.append(
                tf.debugging.assert_equal(
                    tf.logical_or(
                        tf.equal(tf.size(label), 1), tf.equal(tf.size(label), num_images)
                    ),
                    True,
                    message="input `label` must hold 1 label (used for every image) or "
                    "`num_images` labels",
                )
            )
        with tf.control_dependencies(checks):
            shape = tf.stack([num_images, facts.latent_dim])
            stateless_seed = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
            if truncation_value is None:
                z = tf.random.stateless_normal(shape, seed=stateless_seed)
            else:
                z = truncated_normal(shape, stateless_seed, truncation_value)
        if label is not None:
            label = tf.cond(
                tf.equal(tf.size(label), 1),
                lambda: tf.fill([num_images], label[0]),
                lambda: label,
            )
        z, label = _checked_inputs(z, label, facts)
        outputs = _outputs(generator, z, label, facts)
        outputs["z"] = z
        return outputs

    specs = [tf.TensorSpec([], tf.int64, name="seed"), tf.TensorSpec([], tf.int32, name="num_images")]
    if conditional:
        specs.append(tf.TensorSpec([None], tf.int32, name="label"))
    if truncation:
        specs.append(tf.TensorSpec([], tf.float32, name="truncation"))

    # One Python signature per combination: SavedModel signature inputs are named after
    # the tf.function's arguments.
    if conditional and truncation:
        def generate(seed, num_images, label, truncation):
            return generate_impl(seed, num_images, label, truncation)
    elif conditional:
        def generate(seed, num_images, label):
            return generate_impl(seed, num_images, label, None)
    elif truncation:
        def generate(seed, num_images, truncation):
            return generate_impl(seed, num_images, None, truncation)
    else:
        def generate(seed, num_images):
            return generate_impl(seed, num_images, None, None)
    generate = tf.function(generate, input_signature=specs, autograph=False)

    module = tf.Module()
    module.serve = serve
    module.generate = generate
    serve_fn = serve.get_concrete_function()
    generate_fn = generate.get_concrete_function()
    # The variables the functions read, tracked explicitly (as keras.export.ExportArchive
    # does): tracking the Keras model object instead yields a SavedModel that TF1-style
    # loaders (TF Serving) cannot restore ("Could not find variable ...").
    seen, captured = set(), []
    for fn in (serve_fn, generate_fn):
        for variable in fn.variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                captured.append(variable)
    module.captured_variables = captured
    return module, {"serving_default": serve_fn, "generate": generate_fn}


def write_saved_model(generator, directory, truncation=False):
    """Writes the SavedModel (with `assets/model.json`, the facts) into `directory`."""
    module, signatures = build_module(generator, truncation=truncation)
    # tf.saved_model.save copies an asset into `assets/` under its own file name.
    with tempfile.TemporaryDirectory() as scratch:
        source = os.path.join(scratch, FACTS_ASSET)
        with open(source, "w", encoding="utf-8") as f:
            json.dump(generator.facts.to_dict(), f, indent=2)
        module.model_facts = tf.saved_model.Asset(source)
        tf.saved_model.save(module, directory, signatures=signatures)
