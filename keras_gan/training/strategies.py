"""Choosing a `tf.distribute` strategy by name, and reading the cluster from TF_CONFIG."""

import dataclasses
import json
import os
import subprocess
import sys

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker")
# Seconds a worker waits for the others to join the cluster before giving up.
DEFAULT_CONNECT_TIMEOUT = 300.0


@dataclasses.dataclass(frozen=True)
class ClusterInfo:
    """This process's place in a TF_CONFIG cluster.

    Attributes:
        cluster: dict. Job name -> list of "host:port" addresses.
        task_type: str. "worker" or "chief".
        task_index: int. Index of this task within its job.
        num_workers: int. Tasks that train ("chief" + "worker").
        is_chief: bool. The task that writes the run directory: the "chief", or
            worker 0 when there is no chief.
    """

    cluster: dict
    task_type: str
    task_index: int
    num_workers: int
    is_chief: bool


def parse_tf_config(text=None):
    """Validates a TF_CONFIG JSON string (the environment variable when None).

    Expected form (one entry per process; every process gets the same "cluster" and its
    own "task"):
    `{"cluster": {"worker": ["host0:port", "host1:port"]}, "task": {"type": "worker",
    "index": 0}}`. An optional "chief" job holds one address.

    Returns:
        ClusterInfo.

    Raises:
        ValueError: TF_CONFIG is missing, not JSON, or not a valid cluster description.
    """
    if text is None:
        text = os.environ.get("TF_CONFIG")
    shown = text if text is None or len(text) < 300 else text[:300] + "..."
    expected = (
        'Expected JSON like {"cluster": {"worker": ["host:port", ...]}, '
        '"task": {"type": "worker", "index": 0}}.'
    )

    def fail(problem):
        return ValueError(f"`TF_CONFIG` {problem}. {expected} Received: TF_CONFIG={shown!r}")

    if not text:
        raise fail("is not set; --strategy multi_worker needs it (or use `keras-gan launch`)")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as e:
        raise fail(f"is not valid JSON ({e.msg} at character {e.pos})") from None
    if not isinstance(config, dict) or not isinstance(config.get("cluster"), dict):
        raise fail('has no "cluster" object')
    cluster = config["cluster"]
    for job, addresses in cluster.items():
        if not isinstance(addresses, list) or not addresses or not all(
            isinstance(a, str) and a.rpartition(":")[2].isdigit() for a in addresses
        ):
            raise fail(f'job {job!r} must be a non-empty list of "host:port" strings')
    if "worker" not in cluster and "chief" not in cluster:
        raise fail('has no "worker" job in "cluster"')
    if len(cluster.get("chief", [])) > 1:
        raise fail('job "chief" must have exactly one address')
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in ("worker", "chief"):
        raise fail('must have a "task" with "type" "worker" or "chief"')
    task_type, task_index = task["type"], task.get("index", 0)
    if task_type not in cluster:
        raise fail(f'names task type {task_type!r}, which is not a job of "cluster"')
    if not isinstance(task_index, int) or not 0 <= task_index < len(cluster[task_type]):
        raise fail(
            f'has task index {task_index!r}; job {task_type!r} has '
            f"{len(cluster[task_type])} addresses"
        )
    num_workers = len(cluster.get("worker", [])) + len(cluster.get("chief", []))
    is_chief = task_type == "chief" or ("chief" not in cluster and task_index == 0)
    return ClusterInfo(cluster, task_type, task_index, num_workers, is_chief)


# Run beside a worker that joins its cluster: unless the worker closes our stdin within
# the timeout (it joined), report the error and SIGKILL it. A process, not a thread: the
# joining call blocks inside TensorFlow holding the GIL, and ignores SIGTERM.
_WATCHDOG = """
import os, select, signal, sys
pid, timeout, message = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
ready, _, _ = select.select([sys.stdin], [], [], timeout)
if not ready:
    sys.stderr.write(message + "\\n")
    sys.stderr.flush()
    os.kill(pid, signal.SIGKILL)
"""


def _multi_worker_strategy(connect_timeout):
    """MultiWorkerMirroredStrategy, or the process ends when the cluster does not form.

    Its constructor starts this worker's server and blocks until every worker has joined
    (forever, when one never comes). A watchdog process reports a clear error after
    `connect_timeout` seconds and kills this process (exit status -9 / 137).
    """
    info = parse_tf_config()
    message = (
        f"keras-gan: error: worker {info.task_type}:{info.task_index} could not reach all "
        f"{info.num_workers} workers of the cluster {info.cluster} within "
        f"{connect_timeout:g} s. Check that every worker was started with the same TF_CONFIG "
        "cluster and its own task index, and that the addresses are reachable. "
        f"Received: connect_timeout={connect_timeout:g}"
    )
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(connect_timeout), message],
        stdin=subprocess.PIPE,
    )
    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    finally:
        watchdog.stdin.close()  # joined (or failed otherwise): the watchdog stands down
        watchdog.wait()


def make_strategy(name, devices=None, connect_timeout=DEFAULT_CONNECT_TIMEOUT):
    """Returns the strategy called `name`.

    Args:
        name: "default" (one device), "mirrored" (every local GPU, or the given
            devices; on a CPU-only host, the logical CPUs) or "multi_worker"
            (`tf.distribute.MultiWorkerMirroredStrategy` over the cluster in the
            TF_CONFIG environment variable; create it at program start, before any
            other TensorFlow work).
        devices: list of device strings or None. For "mirrored" only.
        connect_timeout: float. For "multi_worker": seconds to wait for every worker
            to join. Defaults to 300.

    Raises:
        ValueError: unknown name or bad TF_CONFIG.
        (A worker whose cluster does not form within `connect_timeout` is killed.)
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if devices is None and not tf.config.list_logical_devices("GPU"):
            cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
            devices = cpus if len(cpus) > 1 else None
        # Every MirroredStrategy numbers its collective ops from the class's key base, so a
        # second one in this process (another `train` call) would reuse the first one's
        # keys with other tensor shapes and abort ("Shape mismatch in the collective
        # instance"). Give this one, and whatever comes after it, fresh ranges.
        tf.distribute.MirroredStrategy._collective_key_base += 10_000
        strategy = tf.distribute.MirroredStrategy(devices)
        tf.distribute.MirroredStrategy._collective_key_base += 10_000
        return strategy
    if name == "multi_worker":
        if not connect_timeout or connect_timeout <= 0:
            raise ValueError(
                f"`connect_timeout` must be a positive number of seconds. "
                f"Received: connect_timeout={connect_timeout!r}"
            )
        return _multi_worker_strategy(connect_timeout)
    raise ValueError(f"Unknown strategy {name!r}. Expected one of {list(STRATEGIES)}.")


def split_cpu_if_alone(count=2):
    """On a CPU-only host, `count` logical CPUs give MirroredStrategy `count` replicas.

    Must run before the TensorFlow runtime starts; afterwards the devices that exist are
    kept (logical devices cannot change once the runtime is up).
    """
    if tf.config.list_physical_devices("GPU"):
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError:  # the runtime is already initialised: keep what exists
        pass


def is_chief(strategy):
    """Whether this process writes the run directory: always, except for non-chief
    workers of a multi-worker cluster."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type is None:
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "chief" or (task_type == "worker" and task_id == 0 and not has_chief)


__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "STRATEGIES",
    "ClusterInfo",
    "is_chief",
    "make_strategy",
    "parse_tf_config",
    "split_cpu_if_alone",
]
