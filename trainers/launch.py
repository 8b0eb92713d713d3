"""`keras-gan launch --workers N -- train ...`: a multi-worker run on this machine.

Starts N `keras-gan train --strategy multi_worker` processes, each with a TF_CONFIG
naming the same cluster of N free localhost ports and its own task index; prefixes and
streams their output; and stops them all as soon as one fails (the others would wait for
it forever). Worker 0 is the chief and writes the run directory.

On several hosts the same run needs no launcher: start the same command on every host
with a TF_CONFIG that lists every host's address and gives each its own index (README).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

# Seconds the other workers get to exit after a failure before they are killed.
_GRACE_SECONDS = 5.0


def free_ports(count, host="localhost"):
    """`count` distinct TCP ports that are free on `host` right now."""
    sockets, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def tf_configs(addresses):
    """One TF_CONFIG JSON string per worker of a cluster of `addresses` ("host:port")."""
    cluster = {"worker": list(addresses)}
    return [
        json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})
        for i in range(len(addresses))
    ]


def _train_command(train_args):
    args = list(train_args)
    if args and args[0] == "--":
        args = args[1:]
    if args and args[0] == "train":
        args = args[1:]
    if "--resume" not in args and "--output-dir" not in args and not any(
        a.startswith("--output-dir=") for a in args
    ):
        raise ValueError(
            "`keras-gan launch` needs an explicit --output-dir in the train arguments (all "
            f"workers must agree on it). Received: {' '.join(train_args)!r}"
        )
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--strategy=") else (
            args[i + 1] if arg == "--strategy" and i + 1 < len(args) else None
        )
        if value is not None and value != "multi_worker":
            raise ValueError(
                "`keras-gan launch` runs --strategy multi_worker; remove --strategy or set "
                f"it to multi_worker. Received: --strategy {value}"
            )
    if "--strategy" not in args and not any(a.startswith("--strategy=") for a in args):
        args += ["--strategy", "multi_worker"]
    return [sys.executable, "-m", "trainers.cli", "train", *args]


def _stream(process, prefix, out, lock):
    for line in process.stdout:
        with lock:
            out.write(f"{prefix}{line}")
            out.flush()


def _stop(processes):
    """SIGTERM, then SIGKILL after a grace period (TensorFlow waiting on a collective
    does not react to SIGTERM)."""
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _GRACE_SECONDS
    for p in processes:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def launch(train_args, workers=2, host="localhost", out=None, env=None):
    """Runs `keras-gan train` as a cluster of `workers` local processes.

    Args:
        train_args: list of str. Arguments of `keras-gan train` (a leading "--" or
            "train" is dropped); must include --output-dir.
        workers: int. Number of worker processes. Defaults to 2.
        host: str. Address the workers listen on. Defaults to "localhost".
        out: text stream for the prefixed logs. Defaults to sys.stdout.
        env: dict or None. Environment of the workers. Defaults to os.environ.

    Returns:
        int: 0 when every worker succeeded, else the exit code of the first that failed.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive integer. Received: workers={workers!r}")
    command = _train_command(train_args)
    out = out or sys.stdout
    addresses = [f"{host}:{port}" for port in free_ports(workers, host)]
    base_env = dict(os.environ if env is None else env)
    lock = threading.Lock()
    processes, threads = [], []
    try:
        for index, tf_config in enumerate(tf_configs(addresses)):
            process = subprocess.Popen(
                command,
                env={**base_env, "TF_CONFIG": tf_config, "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            )
            processes.append(process)
            thread = threading.Thread(
                target=_stream, args=(process, f"[worker {index}] ", out, lock), daemon=True
            )
            thread.start()
            threads.append(thread)
        with lock:
            out.write(f"[launch] {workers} workers: {', '.join(addresses)}\n")
        failure = None
        while failure is None and any(p.poll() is None for p in processes):
            time.sleep(0.2)
            failure = next(
                ((i, p.returncode) for i, p in enumerate(processes) if p.poll() not in (None, 0)),
                None,
            )
        if failure is None:
            failure = next(
                ((i, p.returncode) for i, p in enumerate(processes) if p.returncode), None
            )
        if failure is not None:
            index, code = failure
            with lock:
                out.write(f"[launch] worker {index} failed (exit code {code}); stopping all.\n")
            _stop(processes)
            return code if code > 0 else 1
        return 0
    finally:
        _stop(processes)
        for thread in threads:
            thread.join(timeout=5)


def add_arguments(parser):
    parser.add_argument("--workers", type=int, default=2, help="Worker processes. Default: 2.")
    parser.add_argument("--host", default="localhost", help="Address to listen on.")
    parser.add_argument("train_args", nargs="...", metavar="-- TRAIN_ARGS",
                        help="Arguments of `keras-gan train` (after --).")


def run(args):
    return launch(args.train_args, workers=args.workers, host=args.host)


__all__ = ["add_arguments", "free_ports", "launch", "run", "tf_configs"]
