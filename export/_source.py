"""What is exported: a float32 generator and the facts that travel with it.

Every public entry point accepts the same `gan_or_generator` argument, resolved here into a
`ResolvedGenerator`:

- a `keras_gan.models.GAN` (anything with a `generator` model and a `describe()` method);
- a generator `keras.Model`, its facts given as keyword arguments or inferred from it;
- a path to a `.keras` generator file (facts from a `model.json` beside it, if any);
- a run directory written by `keras-gan train` (`model.json`, `generator.keras`,
  optionally `ema_generator.keras`).
"""

import dataclasses
import os

import keras
import numpy as np

from keras_gan import runs
from keras_gan.models.two_networks import TwoNetworks
from keras_gan.runs import ModelFacts

# The facts are `GAN.describe()`'s dict, read through `keras_gan.runs.ModelFacts` (every
# key kept, e.g. InfoGAN's `latent_layout`); the name `GeneratorFacts` stays for callers.
GeneratorFacts = ModelFacts


@dataclasses.dataclass
class ResolvedGenerator:
    """A float32 generator ready to trace, with its facts.

    Attributes:
        model: keras.Model. Called as `model(z)` or `model([z, label])`.
        facts: ModelFacts. The model's facts (`GAN.describe()`), completed for export.
        origin: str. Where it came from, for messages.
    """

    model: keras.Model
    facts: ModelFacts
    origin: str

    def __call__(self, z, label=None):
        """Runs the generator (inference mode) on NumPy or tensor inputs."""
        inputs = z if label is None else [z, label]
        return self.model(inputs, training=False)

    def sample_inputs(self, batch_size, seed=0):
        """`(z, labels or None)` from the model's prior (`keras_gan.sampling.prior_inputs`:
        z ~ N(0, I), InfoGAN's one-hot and U(-1, 1) codes in z, balanced labels)."""
        from keras_gan import sampling

        # The export computes `generator(z)`: no noise-input seed whatever the model trains with.
        inputs = sampling.prior_inputs({**self.facts, "synthesis_noise": "const"}, batch_size, seed)
        if self.facts.conditional:
            return inputs[0], inputs[1]
        return inputs, None


_FACT_KEYS = ("variant", "latent_dim", "num_classes", "image_shape", "value_range", "step")


def resolve(gan_or_generator, ema=None, **facts):
    """Resolves any accepted export input into a `ResolvedGenerator`.

    Args:
        gan_or_generator: a `keras_gan` GAN, a generator `keras.Model`, a `.keras` file
            path or a run directory path.
        ema: bool or None. Export the EMA weights; None uses them when present.
            Defaults to None.
        **facts: overrides of the facts: `variant`, `latent_dim`, `num_classes`,
            `image_shape`, `value_range`, `step` (None values are ignored).

    Returns:
        ResolvedGenerator.
    """
    unknown = sorted(set(facts) - set(_FACT_KEYS))
    if unknown:
        raise ValueError(
            f"Unknown generator facts {unknown}; expected some of {list(_FACT_KEYS)}."
        )
    if ema not in (None, True, False):
        raise ValueError(f"`ema` must be True, False or None. Received: ema={ema!r}")
    overrides = {k: v for k, v in facts.items() if v is not None}

    if isinstance(gan_or_generator, (str, os.PathLike)):
        model, known, used_ema, origin = _load_path(os.fspath(gan_or_generator), ema)
    elif isinstance(gan_or_generator, TwoNetworks):  # GAN variants, GAIN
        model, known, used_ema, origin = _from_gan(gan_or_generator, ema)
    elif isinstance(gan_or_generator, keras.Model):
        if ema:
            raise ValueError(
                "`ema=True` needs a GAN or a run directory with EMA weights; a bare "
                f"generator model has none. Received: gan_or_generator={gan_or_generator.name!r}"
            )
        model, known, used_ema, origin = gan_or_generator, {}, False, f"model {gan_or_generator.name!r}"
    else:
        raise ValueError(
            "`gan_or_generator` must be a keras_gan GAN, a generator keras.Model, a path to "
            f"a .keras generator file or a run directory. Received: {gan_or_generator!r} "
            f"of type {type(gan_or_generator).__name__}"
        )
    # Every fact of the source is kept (describe()'s format: InfoGAN's latent_layout, ...).
    known = {k: v for k, v in dict(known).items() if v is not None}
    known.update(overrides)
    model = _as_float32(model)
    return ResolvedGenerator(model, _check_generator(model, known, used_ema, origin), origin)


def _from_gan(gan, ema):
    described = dict(gan.describe())
    ema_model = gan.ema_generator
    if ema and ema_model is None:
        raise ValueError(
            f"`ema=True` but the GAN {gan.name!r} keeps no EMA weights "
            "(create it with `ema_decay=...`). Received: ema=True"
        )
    use_ema = ema_model is not None and ema is not False
    model = ema_model if use_ema else gan.generator
    origin = f"GAN {gan.name!r}" + (" (EMA weights)" if use_ema else "")
    return model, described, use_ema, origin


def _load_path(path, ema):
    if os.path.isdir(path):
        run = runs.RunDirectory(path)
        if not os.path.isfile(run.generator_path):
            found = sorted(os.listdir(path))[:20]
            raise FileNotFoundError(
                f"Run directory {path!r} has no {runs.GENERATOR_FILE}: expected a directory "
                f"written by `keras-gan train --output-dir` (holding {runs.GENERATOR_FILE}, "
                f"{runs.FACTS_FILE} and optionally {runs.EMA_GENERATOR_FILE}). Found: {found}"
            )
        if ema and not run.has_ema():
            raise FileNotFoundError(
                f"`ema=True` but run directory {path!r} has no {runs.EMA_GENERATOR_FILE} "
                "(the run was trained without EMA). Received: ema=True"
            )
        use_ema = run.has_ema() and ema is not False
        facts = run.read_facts_dict() if os.path.isfile(run.facts_path) else {}
        model, chosen = run.load_generator(use_ema)
        return model, facts, use_ema, chosen
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"`gan_or_generator` path does not exist: expected a .keras generator file or a "
            f"run directory. Received: {path!r}"
        )
    if not path.endswith(".keras"):
        raise ValueError(
            "`gan_or_generator` file must be a Keras `.keras` generator file. "
            f"Received: {path!r}"
        )
    if ema:
        raise ValueError(
            "`ema=True` applies to a GAN or a run directory; a single .keras file holds one "
            f"set of weights. Received: ema=True with {path!r}"
        )
    run = runs.RunDirectory(os.path.dirname(path) or ".")
    facts = run.read_facts_dict() if os.path.isfile(run.facts_path) else {}
    is_ema = os.path.basename(path) == runs.EMA_GENERATOR_FILE
    runs.register_custom_objects()
    return keras.saving.load_model(path, compile=False), facts, is_ema, path


def _as_float32(model):
    """Returns `model` itself if it computes in float32, else a float32 clone.

    Mixed-precision generators are exported in float32 (see traps.md): layers are
    re-created with a float32 dtype policy and the weights cast.
    """
    if all(
        getattr(layer, "compute_dtype", "float32") == "float32"
        and getattr(layer, "variable_dtype", "float32") == "float32"
        for layer in model._flatten_layers(include_self=True)
    ):
        return model

    def float32_layer(layer):
        config = layer.get_config()
        config["dtype"] = "float32"
        return layer.__class__.from_config(config)

    try:
        clone = keras.models.clone_model(model, clone_function=float32_layer)
    except Exception as err:  # subclassed models cannot be cloned layer by layer
        raise ValueError(
            f"Generator {model.name!r} uses a mixed-precision dtype policy and could not be "
            "re-created in float32 for export; rebuild it with dtype policy 'float32' and "
            f"load its weights. Cause: {err}"
        ) from err
    clone.set_weights([np.asarray(w, dtype="float32") for w in model.get_weights()])
    return clone


def _input_shapes(model):
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs:
        return None
    return [(tuple(t.shape), str(t.dtype)) for t in inputs]


def _check_generator(model, facts, used_ema, origin):
    """Checks that `model` is a generator and completes the facts; returns them."""
    shapes = _input_shapes(model)
    where = f"{origin}"
    if shapes is not None:
        z_shape, z_dtype = shapes[0]
        if len(shapes) > 2 or len(z_shape) != 2 or "float" not in z_dtype:
            raise ValueError(
                f"{where} is not a generator: a generator takes noise z of shape "
                "[batch, latent_dim] (float), plus int labels [batch] when conditional, and "
                f"returns images [batch, height, width, channels]. Received a model with "
                f"inputs {[s for s, _ in shapes]}"
                + (" (a discriminator?)" if len(z_shape) == 4 else "")
            )
        if len(shapes) == 2:
            label_shape, label_dtype = shapes[1]
            if "int" not in label_dtype or len(label_shape) > 2:
                raise ValueError(
                    f"{where}: the second generator input must be int class labels of shape "
                    f"[batch]. Received: shape {label_shape}, dtype {label_dtype}"
                )
        inferred_latent = z_shape[1]
        if facts.get("latent_dim") is not None and inferred_latent is not None and int(
            facts["latent_dim"]
        ) != int(inferred_latent):
            raise ValueError(
                f"`latent_dim` does not match {where}'s noise input width {inferred_latent}. "
                f"Received: latent_dim={facts['latent_dim']}"
            )
        facts.setdefault("latent_dim", inferred_latent)
        conditional = len(shapes) == 2
        if conditional and facts.get("num_classes") is None:
            raise ValueError(
                f"{where} is conditional (takes [z, label]) but the number of classes is "
                "unknown: pass `num_classes` (a run directory's or GAN's facts hold it). "
                "Received: num_classes=None"
            )
        if not conditional and facts.get("num_classes") is not None:
            raise ValueError(
                f"`num_classes` was given but {where} takes no labels (one input). "
                f"Received: num_classes={facts['num_classes']}"
            )
    latent_dim = facts.get("latent_dim")
    if not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
        raise ValueError(
            f"The noise width of {where} is unknown or invalid: pass a positive int "
            f"`latent_dim`. Received: latent_dim={latent_dim!r}"
        )
    num_classes = facts.get("num_classes")
    if num_classes is not None and (not isinstance(num_classes, (int, np.integer)) or num_classes < 1):
        raise ValueError(f"`num_classes` must be a positive int or None. Received: num_classes={num_classes!r}")

    # A trial call proves the calling convention and gives the real output shape.
    z = np.zeros((2, int(latent_dim)), "float32")
    label = np.zeros((2,), "int32") if num_classes is not None else None
    try:
        out = model(z if label is None else [z, label], training=False)
    except Exception as err:
        raise ValueError(
            f"{where} is not a generator of this shape: calling it on z [2, {latent_dim}]"
            + (" and labels [2]" if label is not None else "")
            + f" failed: {err}"
        ) from err
    out_shape = tuple(int(d) for d in out.shape)
    if isinstance(out, (list, tuple, dict)) or len(out_shape) != 4 or out_shape[0] != 2:
        raise ValueError(
            f"{where} is not an image generator: it must return one tensor "
            f"[batch, height, width, channels]. Received output shape {out_shape}"
            + (" (a discriminator?)" if len(out_shape) == 2 and out_shape[1] == 1 else "")
        )
    image_shape = tuple(out_shape[1:])
    if facts.get("image_shape") is not None and tuple(facts["image_shape"]) != image_shape:
        raise ValueError(
            f"`image_shape` does not match {where}'s output {image_shape}. "
            f"Received: image_shape={tuple(facts['image_shape'])}"
        )
    value_range = tuple(float(v) for v in facts.get("value_range", (-1.0, 1.0)))
    if len(value_range) != 2 or not value_range[0] < value_range[1]:
        raise ValueError(f"`value_range` must be (low, high) with low < high. Received: {value_range}")
    step = facts.get("step")
    if "synthesis_noise" in facts and getattr(model, "noise_mode", None):
        # StyleGAN2 trains with random noise inputs; the export computes `generator(z)`,
        # i.e. with the generator's own noise mode ("const": random ops do not export).
        facts["synthesis_noise"] = model.noise_mode
    return ModelFacts({
        **facts,
        "variant": str(facts.get("variant") or "generator"),
        "latent_dim": int(latent_dim),
        "num_classes": None if num_classes is None else int(num_classes),
        "image_shape": list(image_shape),
        "value_range": list(value_range),
        "step": None if step is None else int(step),
        # Whether the exported weights are the EMA weights (describe() says whether the
        # GAN keeps any).
        "ema": bool(used_ema),
    })
