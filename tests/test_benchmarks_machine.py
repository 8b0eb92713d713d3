"""`benchmarks/machine.py`: the CPU, its instruction sets and the oneDNN switch that every
benchmark prints above its table and stores in its JSON (the smoke tests of each benchmark
check that their JSON carries it)."""

import pytest

from tests.helpers import load_script

machine = load_script("benchmarks/machine.py")

# Excerpts of real /proc/cpuinfo texts (two logical CPUs each; flags lines shortened to
# what matters here but kept in the kernel's spelling and order).
SAPPHIRE_RAPIDS = """\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd \
avx512bw avx512vl avx512_bf16 avx512_vnni avx512_fp16 amx_bf16 amx_tile amx_int8

processor\t: 1
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd \
avx512bw avx512vl avx512_bf16 avx512_vnni avx512_fp16 amx_bf16 amx_tile amx_int8
"""
EPYC_AVX2 = """\
processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni

processor\t: 1
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni
"""
ARM = """\
processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp bf16 sve
CPU implementer\t: 0x41

processor\t: 1
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp bf16 sve
CPU implementer\t: 0x41
"""
NAMES = ("AVX2", "FMA", "AVX-512F", "AVX512_VNNI", "AVX512_BF16", "AMX", "AMX_BF16")


@pytest.mark.parametrize("text, cpu, expected", [
    (SAPPHIRE_RAPIDS, "Intel(R) Xeon(R) Platinum 8480+", (1, 1, 1, 1, 1, 1, 1)),
    (EPYC_AVX2, "AMD EPYC 7B12", (1, 1, 0, 0, 0, 0, 0)),
    (ARM, None, (0, 0, 0, 0, 0, 0, 0)),
])
def test_cpuinfo_golden_instruction_sets(text, cpu, expected):
    parsed = machine.parse_cpuinfo(text)
    assert parsed["cpu"] == cpu and parsed["logical_cpus"] == 2
    assert machine.instruction_sets(parsed["flags"]) == dict(zip(NAMES, map(bool, expected)))


def test_machine_facts_from_a_cpuinfo_file(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(EPYC_AVX2)
    facts = machine.machine_facts(str(path))
    assert facts["cpu"] == "AMD EPYC 7B12" and facts["instruction_sets_source"] == str(path)
    assert facts["instruction_sets"]["AVX2"] and not facts["instruction_sets"]["AVX-512F"]
    line = machine.describe(facts)
    assert line.startswith("machine: AMD EPYC 7B12, ")
    assert "AVX2 yes" in line and "AVX-512F no" in line and "AVX512_BF16 no" in line
    assert f"TF {facts['tensorflow']}, Keras {facts['keras']}" in line


def test_unreadable_cpuinfo_falls_back_without_claiming_flags(tmp_path):
    facts = machine.machine_facts(str(tmp_path / "missing"))
    if facts["instruction_sets_source"] is None:  # not macOS: flags are unknown, not False
        assert facts["instruction_sets"] is None
        assert "instruction sets unknown" in machine.describe(facts)
    assert facts["cpu_count"] >= 1


@pytest.mark.parametrize("value, machine_name, system, expected", [
    (None, "x86_64", "Linux", (True, "default")),
    ("0", "x86_64", "Linux", (False, "TF_ENABLE_ONEDNN_OPTS=0")),
    ("False", "x86_64", "Linux", (False, "TF_ENABLE_ONEDNN_OPTS=False")),
    ("1", "arm64", "Darwin", (True, "TF_ENABLE_ONEDNN_OPTS=1")),
    (None, "aarch64", "Linux", (False, "default")),
    ("yes", "x86_64", "Linux", (True, "default (TF ignores TF_ENABLE_ONEDNN_OPTS='yes')")),
])
def test_onednn_switch(value, machine_name, system, expected):
    environ = {} if value is None else {"TF_ENABLE_ONEDNN_OPTS": value}
    assert machine.onednn_enabled(environ, machine_name, system) == expected


def assert_machine_reported(result, stdout, table_start):
    """What every benchmark's `--smoke` test checks: its JSON's `machine` holds this
    machine's CPU, instruction sets, versions and oneDNN state, and its summary line is
    printed above the table (whose first line contains `table_start`)."""
    import keras
    import tensorflow as tf

    here = machine.machine_facts()
    facts = result["machine"]
    for key in ("cpu", "instruction_sets", "onednn", "onednn_source"):
        assert facts[key] == here[key], key
    assert facts["tensorflow"] == tf.__version__ and facts["keras"] == keras.__version__
    assert facts["cpu_count"] >= 1 and set(facts["instruction_sets"]) == set(NAMES)
    summary = machine.describe(facts).split("; load")[0]
    assert summary in stdout
    assert stdout.index(summary) < stdout.index(table_start)
