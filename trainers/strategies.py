"""Choosing a `tf.distribute` strategy by name."""

import tensorflow as tf

STRATEGIES = ("default", "mirrored")


def make_strategy(name, devices=None):
    """Returns the strategy called `name`.

    Args:
        name: "default" (one device) or "mirrored" (every local GPU, or the given
            devices; on a CPU-only host, the logical CPUs).
        devices: list of device strings or None. For "mirrored" only.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if devices is None and not tf.config.list_logical_devices("GPU"):
            cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
            devices = cpus if len(cpus) > 1 else None
        return tf.distribute.MirroredStrategy(devices)
    raise ValueError(f"Unknown strategy {name!r}. Expected one of {list(STRATEGIES)}.")
