"""Test-wide set-up.

Two logical CPU devices are configured here, before anything initialises the TensorFlow
runtime (it can only be done once per process), so that tests can run a real
`tf.distribute.MirroredStrategy` over ["/cpu:0", "/cpu:1"].
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
