"""The sampling prior: a generator's inputs drawn as its model trains on them.

One function, `prior_inputs(facts, n, seed)`, serves a GAN object (`GAN.sample_prior`
calls it with `describe()`) and a generator loaded from a run directory or an export
(its `model.json`), so `keras-gan sample`, `keras-gan evaluate` and `MetricsCallback`
feed every generator what it was trained on:

- every variant: z ~ N(0, I) `[n, latent_dim]`;
- conditional variants (`num_classes`): `[z, labels]`, labels balanced `i % num_classes`
  (the uniform label prior of training, with every class equally often);
- InfoGAN (`latent_layout`): z = [noise ~ N(0, I) | one-hot codes, each uniform over its
  values | continuous codes ~ U(-1, 1)] (Chen et al. 2016, the ranges of
  `keras_gan.models.InfoGAN.sample_latent`);
- StyleGAN2 (`synthesis_noise: "random"`): `{"z": z, "noise_seed": int32 [2]}`: fresh
  per-pixel noise inputs, as the StyleGAN2-ADA metrics generate (`noise_mode="random"`),
  instead of the constant noise images of `generator(z)`.
"""

import numpy as np

NOISE_SEED = "noise_seed"
_ROW = "_row"


def _get(facts, key, default=None):
    return facts.get(key, default) if hasattr(facts, "get") else default


def random_synthesis_noise(facts):
    """Whether the generator trains with random noise inputs (StyleGAN2). Runs written
    before the `synthesis_noise` fact existed are recognised by their variant."""
    noise = _get(facts, "synthesis_noise")
    if noise is None:
        return _get(facts, "variant") == "stylegan2"
    return noise == "random"


def layout_latent(layout, noise, categorical=None, continuous=None):
    """InfoGAN's z from its parts, per `latent_layout` (`InfoGAN.describe()`).

    Args:
        layout: dict. `{"noise": [a, b], "categorical": [[a, b], ...], "continuous": [a, b]}`.
        noise: array `[n, noise_dim]`.
        categorical: int array `[n, num_codes]` (or `[n]` for one code): the value of each
            code, set as one-hot. Defaults to None (every code 0).
        continuous: array `[n, continuous_dim]`. Defaults to None (zeros).

    Returns:
        float32 array `[n, latent_dim]`.
    """
    noise = np.asarray(noise, dtype="float32")
    n = len(noise)
    codes = layout["categorical"]
    end = max([layout["noise"][1], layout["continuous"][1], *[b for _, b in codes]])
    z = np.zeros((n, end), dtype="float32")
    a, b = layout["noise"]
    if noise.shape != (n, b - a):
        raise ValueError(f"`noise` must have shape [n, {b - a}]. Received: shape {noise.shape}")
    z[:, a:b] = noise
    if categorical is None:
        categorical = np.zeros((n, len(codes)), "int64")
    categorical = np.asarray(categorical, "int64").reshape(n, -1)
    if categorical.shape[1] != len(codes):
        raise ValueError(
            f"`categorical` must hold {len(codes)} code value(s) per sample. Received: shape "
            f"{categorical.shape}"
        )
    for i, (a, b) in enumerate(codes):
        values = categorical[:, i]
        if n and (values.min() < 0 or values.max() >= b - a):
            raise ValueError(f"Categorical code {i} takes values in [0, {b - a}). Received: range "
                             f"[{values.min()}, {values.max()}]")
        z[np.arange(n), a + values] = 1.0
    if continuous is not None:
        a, b = layout["continuous"]
        z[:, a:b] = np.asarray(continuous, "float32").reshape(n, b - a)
    return z


def prior_inputs(facts, n, seed=0, labels=None):
    """Generator inputs for `n` samples, drawn from the model's training prior.

    Args:
        facts: dict. A model's facts (`GAN.describe()`, a run's `model.json`): uses
            `latent_dim`, `num_classes`, `latent_layout` and `synthesis_noise`.
        n: int. Number of samples.
        seed: int or sequence of ints. Same seed, same inputs (`np.random.default_rng`).
        labels: int array `[n]` or None. Class labels of a conditional generator.
            Defaults to None: balanced, `i % num_classes`.

    Returns:
        float32 z `[n, latent_dim]`; `[z, labels int32 [n]]` for conditional generators;
        `{"z": z, "noise_seed": int32 [2]}` for generators with random noise inputs.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive integer. Received: n={n!r}")
    rng = np.random.default_rng(seed)
    latent_dim = int(facts["latent_dim"])
    layout = _get(facts, "latent_layout")
    if layout:
        a, b = layout["noise"]
        noise = rng.standard_normal((n, b - a))
        categorical = np.stack(
            [rng.integers(0, d - c, n) for c, d in layout["categorical"]], axis=1
        ) if layout["categorical"] else np.zeros((n, 0), "int64")
        c, d = layout["continuous"]
        continuous = rng.uniform(-1.0, 1.0, (n, d - c))
        z = layout_latent(layout, noise, categorical, continuous)
        if z.shape[1] != latent_dim:
            raise ValueError(f"`latent_layout` covers {z.shape[1]} entries of z, not latent_dim="
                             f"{latent_dim}. Received: latent_layout={layout}")
    else:
        z = rng.standard_normal((n, latent_dim)).astype("float32")
    num_classes = _get(facts, "num_classes")
    if num_classes:
        if labels is None:
            labels = np.arange(n) % int(num_classes)
        labels = np.asarray(labels).astype("int32").reshape(-1)
        if labels.shape[0] != n or labels.min() < 0 or labels.max() >= num_classes:
            raise ValueError(
                f"`labels` must be {n} integers in [0, {num_classes}). Received: labels with "
                f"shape {labels.shape}, range [{labels.min()}, {labels.max()}]"
            )
        return [z, labels]
    if random_synthesis_noise(facts):
        return {"z": z, NOISE_SEED: rng.integers(0, 2**31 - 1, size=2).astype("int32")}
    return z


def describe_prior(facts):
    """The prior of `prior_inputs` in words (for evaluation protocols)."""
    layout = _get(facts, "latent_layout")
    if layout:
        text = ("z = [noise ~ N(0, I) | one-hot categorical codes, uniform | continuous codes ~ "
                f"U(-1, 1)], latent_layout={layout}")
    else:
        text = "z ~ N(0, I)"
    if _get(facts, "num_classes"):
        text += ", labels balanced: i % num_classes"
    if random_synthesis_noise(facts):
        text += ", random noise inputs (noise_mode='random')"
    return text + "; seeded (numpy default_rng)"


def num_inputs(inputs):
    """Number of samples in generator inputs from `prior_inputs`."""
    if isinstance(inputs, dict):
        return len(inputs["z"])
    if isinstance(inputs, (list, tuple)):
        return len(inputs[0])
    return len(inputs)


def slice_inputs(inputs, start, stop):
    """Rows `[start, stop)` of generator inputs; a noise seed is folded with `start`, so
    every batch draws its own noise inputs."""
    if isinstance(inputs, dict):
        out = {k: v[start:stop] for k, v in inputs.items() if k != NOISE_SEED}
        if NOISE_SEED in inputs:
            seed = np.asarray(inputs[NOISE_SEED], "int64")
            out[NOISE_SEED] = np.array([seed[0], (seed[1] + start) % (2**31 - 1)], "int32")
        return out
    if isinstance(inputs, (list, tuple)):
        return [v[start:stop] for v in inputs]
    return inputs[start:stop]


def generate(generator, inputs, batch_size=256):
    """Calls `generator(inputs, training=False)` batch by batch; returns a NumPy array.

    (Not `generator.predict`: that would split StyleGAN2's `noise_seed` like a batch.)
    """
    n = num_inputs(inputs)
    parts = [
        np.asarray(generator(slice_inputs(inputs, start, start + batch_size), training=False))
        for start in range(0, n, batch_size)
    ]
    return np.concatenate(parts)


def input_dataset(inputs, batch_size):
    """(tf.data.Dataset of the per-sample inputs in batches, `rebuild(batch) -> inputs`).

    Runs under `strategy.experimental_distribute_dataset`: the noise seed (one per batch,
    not per sample) is rebuilt inside `rebuild` from the batch's first row index.
    """
    import tensorflow as tf

    kind = "dict" if isinstance(inputs, dict) else "list" if isinstance(inputs, (list, tuple)) else "z"
    if kind == "dict":
        parts = {k: v for k, v in inputs.items() if k != NOISE_SEED}
        seed = inputs.get(NOISE_SEED)
    elif kind == "list":
        parts, seed = {"z": inputs[0], "labels": inputs[1]}, None
    else:
        parts, seed = {"z": inputs}, None
    parts = {k: np.asarray(v) for k, v in parts.items()}
    parts[_ROW] = np.arange(num_inputs(inputs), dtype="int32")
    dataset = tf.data.Dataset.from_tensor_slices(parts).batch(batch_size)

    def rebuild(batch):
        if kind == "list":
            return [batch["z"], batch["labels"]]
        if kind == "z":
            return batch["z"]
        out = {k: v for k, v in batch.items() if k != _ROW}
        if seed is not None:
            out[NOISE_SEED] = tf.stack(
                [tf.constant(int(seed[0]), tf.int32), tf.constant(int(seed[1]), tf.int32) + batch[_ROW][0]]
            )
        return out

    return dataset, rebuild


__all__ = ["describe_prior", "generate", "input_dataset", "layout_latent", "prior_inputs",
           "random_synthesis_noise", "slice_inputs"]
