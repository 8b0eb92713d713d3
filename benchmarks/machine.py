"""Where a benchmark ran: CPU model, core count, instruction sets, library versions, oneDNN.

Every benchmark prints `describe(facts)` above its table and stores `machine_facts()` in its
JSON, because the numbers depend on the machine far more than on the code: the same DCGAN
step ran ~4x faster on a 2-core AVX-512 + AVX512_BF16 EPYC than on a loaded AVX2-only one,
and an optimisation's speed-up (`reuse_generator_pass`) was 1.22x on one and 0.92x on the
other.

Imports no TensorFlow (versions come from the installed distributions), so that a parent
process that must stay light (benchmarks/scaling.py) can call it too.

    python benchmarks/machine.py      # prints the summary line and the JSON
"""

import importlib.metadata
import json
import os
import platform
import subprocess
import sys

# The instruction sets that decide which kernels TensorFlow/oneDNN can use, as
# (name printed, Linux /proc/cpuinfo flag(s): any of them present means yes).
INSTRUCTION_SETS = (
    ("AVX2", ("avx2",)),
    ("FMA", ("fma",)),
    ("AVX-512F", ("avx512f",)),
    ("AVX512_VNNI", ("avx512_vnni",)),
    ("AVX512_BF16", ("avx512_bf16",)),
    ("AMX", ("amx_tile",)),
    ("AMX_BF16", ("amx_bf16",)),
)
# macOS `sysctl machdep.cpu.*features` spells some of them differently.
_DARWIN_FLAGS = {"avx2": "avx2", "fma": "fma", "avx512f": "avx512f",
                 "avx512vnni": "avx512_vnni", "avx512bf16": "avx512_bf16"}
# Distributions that provide the `tensorflow` module, in the order they are looked up.
_TF_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos")


def parse_cpuinfo(text):
    """`/proc/cpuinfo` text -> `{"cpu": model name, "logical_cpus": int, "flags": set}`.

    The model is the first `model name` line (x86) or `Processor`/`CPU part` (Arm), the
    count the number of `processor` lines, the flags those of the first `flags` (x86) or
    `Features` (Arm) line.
    """
    cpu, flags, count = None, None, 0
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "processor" and value.isdigit():
            count += 1
        elif key in ("model name", "processor") and cpu is None and not value.isdigit():
            cpu = value
        elif key in ("flags", "features") and flags is None:
            flags = set(value.lower().split())
    return {"cpu": cpu, "logical_cpus": count or None, "flags": flags or set()}


def instruction_sets(flags):
    """`{name: bool}` for each of `INSTRUCTION_SETS`, from a set of CPU flags."""
    return {name: any(f in flags for f in spellings) for name, spellings in INSTRUCTION_SETS}


def onednn_enabled(environ=None, machine=None, system=None):
    """Whether TensorFlow uses its oneDNN kernels, as TF decides it at start-up.

    `TF_ENABLE_ONEDNN_OPTS` set to 1/true or 0/false (any case) decides; otherwise TF's
    default, which is on for x86-64 Linux and Windows builds (since TF 2.9) and off
    elsewhere. Returns `(enabled, why)`.
    """
    environ = os.environ if environ is None else environ
    machine = (machine or platform.machine()).lower()
    system = system or platform.system()
    value = environ.get("TF_ENABLE_ONEDNN_OPTS")
    if value is not None and value.strip().lower() in ("1", "true"):
        return True, f"TF_ENABLE_ONEDNN_OPTS={value}"
    if value is not None and value.strip().lower() in ("0", "false"):
        return False, f"TF_ENABLE_ONEDNN_OPTS={value}"
    default = machine in ("x86_64", "amd64") and system in ("Linux", "Windows")
    why = "default" if value is None else f"default (TF ignores TF_ENABLE_ONEDNN_OPTS={value!r})"
    return default, why


def _version(*distributions):
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _darwin_cpu():
    def sysctl(key):
        try:
            return subprocess.run(["sysctl", "-n", key], capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    raw = f"{sysctl('machdep.cpu.features')} {sysctl('machdep.cpu.leaf7_features')}".lower()
    flags = {_DARWIN_FLAGS.get(f.replace(".", "_"), f.replace(".", "_")) for f in raw.split()}
    return {"cpu": sysctl("machdep.cpu.brand_string") or None, "logical_cpus": None,
            "flags": flags - {""}}


def read_cpu(cpuinfo_path="/proc/cpuinfo"):
    """The CPU as `parse_cpuinfo` gives it, with `flags_source` saying where the flags
    came from; elsewhere than Linux, `sysctl` (macOS) or `platform` only (flags unknown)."""
    try:
        with open(cpuinfo_path, encoding="utf-8", errors="replace") as f:
            return {**parse_cpuinfo(f.read()), "flags_source": cpuinfo_path}
    except OSError:
        pass
    if platform.system() == "Darwin":
        cpu = _darwin_cpu()
        if cpu["flags"]:
            return {**cpu, "flags_source": "sysctl machdep.cpu"}
    return {"cpu": platform.processor() or platform.machine() or None, "logical_cpus": None,
            "flags": None, "flags_source": None}


def machine_facts(cpuinfo_path="/proc/cpuinfo"):
    """Where the numbers were measured, as a JSON-ready dict.

    Keys: `cpu` (model name), `cpu_count` (logical CPUs this process may use),
    `instruction_sets` (`{"AVX2": bool, ..., "AMX": bool}`, or None when the flags cannot
    be read), `onednn` and `onednn_source`, `tensorflow`, `keras`, `python`, `platform`,
    `load_average_1m`.
    """
    cpu = read_cpu(cpuinfo_path)
    onednn, onednn_source = onednn_enabled()
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = None
    return {
        "cpu": cpu["cpu"],
        "cpu_count": usable or cpu["logical_cpus"] or os.cpu_count(),
        "instruction_sets": None if cpu["flags"] is None else instruction_sets(cpu["flags"]),
        "instruction_sets_source": cpu["flags_source"],
        "onednn": onednn,
        "onednn_source": onednn_source,
        "tensorflow": _version(*_TF_DISTRIBUTIONS),
        "keras": _version("keras"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def describe(facts):
    """One line for the top of a benchmark's table, e.g.
    `machine: AMD EPYC, 2 CPUs; AVX2 yes, ..., AMX no; TF 2.21.0, Keras 3.15.1, oneDNN on
    (default); load 1.9`."""
    sets = facts.get("instruction_sets")
    isa = ("instruction sets unknown" if sets is None
           else ", ".join(f"{name} {'yes' if on else 'no'}" for name, on in sets.items()))
    load = facts.get("load_average_1m")
    return (
        f"machine: {facts.get('cpu') or 'unknown CPU'}, {facts.get('cpu_count')} CPUs; {isa}; "
        f"TF {facts.get('tensorflow')}, Keras {facts.get('keras')}, "
        f"oneDNN {'on' if facts.get('onednn') else 'off'} ({facts.get('onednn_source')})"
        + (f"; load {load:.1f}" if load is not None else "")
    )


if __name__ == "__main__":
    facts = machine_facts()
    print(describe(facts))
    json.dump(facts, sys.stdout, indent=2)
    print()
