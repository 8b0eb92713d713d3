"""`benchmarks/mode_collapse.py` stays working: a `--smoke` run in a subprocess (20 steps
per run) checked for the JSON's structure and invariants, the pack option reaching the
run, results accumulating across invocations, and the flag errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import ROOT

SCRIPT = os.path.join(ROOT, "benchmarks", "mode_collapse.py")


def _run(*args, timeout=300):
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env)


@pytest.mark.slow
def test_smoke_run_writes_consistent_json_png_and_accumulates(tmp_path):
    json_path, png_path, work = tmp_path / "mc.json", tmp_path / "mc.png", tmp_path / "runs"
    common = ("--smoke", "--json", str(json_path), "--png", str(png_path), "--work-dir", str(work))
    completed = _run("--rows", "gan,pacgan2", "--datasets", "ring8", *common)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "PacGAN2*" in completed.stdout and png_path.stat().st_size > 0
    result = json.loads(json_path.read_text())
    assert result["smoke"] is True and result["samples_per_run"] == 200
    assert {(r["dataset"], r["row"]) for r in result["runs"]} == {("ring8", "gan"), ("ring8", "pacgan2")}
    for run in result["runs"]:
        assert run["steps"] == 20 and run["cpu_s"] > 0
        # Every figure follows from the per-mode counts it was computed from.
        counts = np.array(run["counts"])
        assert len(counts) == (8 if run["dataset"] == "ring8" else 25)
        assert run["modes"] == int((counts > 0).sum()) and run["covered"] <= run["modes"]
        assert run["high_quality"] == pytest.approx(counts.sum() / 200)
        packed = run["row"] == "pacgan2"
        assert ("pack=2" in run["command"]) is packed
        run_dir = run["command"][run["command"].index("--output-dir") + 1]
        with open(os.path.join(run_dir, "config.json"), encoding="utf-8") as f:
            assert json.load(f)["pack"] == (2 if packed else 1)
    assert result["summary"]["ring8"]["pacgan2"]["seeds"] == [0]
    assert result["published"]["ring8"]["PacGAN2"]["modes"] == [7.9, 0.1]

    # A second invocation adds its runs to the same JSON.
    completed = _run("--rows", "pacgan4", "--datasets", "grid25", *common)
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(json_path.read_text())
    assert len(result["runs"]) == 3 and result["summary"]["grid25"]["pacgan4"]["seeds"] == [0]
    assert "ring8" in result["summary"]


def test_summary_is_mean_and_standard_error():
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import mode_collapse

    runs = [{"dataset": "ring8", "row": "gan", "seed": s, "modes": m, "high_quality": 0.5,
             "reverse_kl": 0.1, "covered": m, "cpu_s": 10.0} for s, m in enumerate([6, 8, 7])]
    entry = mode_collapse.summary(runs)["ring8"]["gan"]
    # mean 7, sample std 1, s.e. 1 / sqrt(3).
    assert entry["modes"] == pytest.approx([7.0, 1 / np.sqrt(3)])
    assert entry["seeds"] == [0, 1, 2] and entry["cpu_s"] == [10.0, 0.0]
    assert mode_collapse.row_command("pacgan3", "grid25", 4, "/x")[-2:] == ["--option", "pack=3"]
    with pytest.raises(ValueError, match="Unknown row 'pacgan9'"):
        mode_collapse.row_command("pacgan9", "ring8", 0, "/x")


def test_bad_rows_flag_is_named():
    completed = _run("--rows", "gan,dcgan9", "--json", os.devnull)
    assert completed.returncode != 0 and "--rows" in completed.stderr and "dcgan9" in completed.stderr


def _chunk(path, seeds, modes=8, smoke=False, samples=2500):
    runs = [{"dataset": "ring8", "row": "gan", "seed": s, "modes": modes, "high_quality": 0.9,
             "reverse_kl": 0.01, "covered": modes, "cpu_s": 20.0} for s in seeds]
    path.write_text(json.dumps({"smoke": smoke, "samples_per_run": samples, "runs": runs}))
    return str(path)


def test_merge_joins_seed_chunks_and_refuses_disagreeing_runs(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import mode_collapse

    merged = str(tmp_path / "merged.json")
    table = mode_collapse.merge(merged, [_chunk(tmp_path / "a.json", [0, 1]), _chunk(tmp_path / "b.json", [2])])
    assert table["ring8"]["gan"]["seeds"] == [0, 1, 2]
    written = json.loads(open(merged, encoding="utf-8").read())
    assert [r["seed"] for r in written["runs"]] == [0, 1, 2] and written["smoke"] is False
    # The same run again changes nothing; merged into the existing file, a new seed is added.
    table = mode_collapse.merge(merged, [_chunk(tmp_path / "c.json", [1, 3])])
    assert table["ring8"]["gan"]["seeds"] == [0, 1, 2, 3]
    with pytest.raises(SystemExit, match=r"\('ring8', 'gan', 1\) has .*'modes': 8.* and .*'modes': 7"):
        mode_collapse.merge(merged, [_chunk(tmp_path / "d.json", [1], modes=7)])
    with pytest.raises(SystemExit, match="e.json holds smoke results"):
        mode_collapse.merge(merged, [_chunk(tmp_path / "e.json", [4], smoke=True)])
    with pytest.raises(SystemExit, match=r"different numbers of samples per run \(\[200, 2500\]\)"):
        mode_collapse.merge(merged, [_chunk(tmp_path / "f.json", [5], samples=200)])
    # Refused merges left the file as it was.
    assert [r["seed"] for r in json.loads(open(merged, encoding="utf-8").read())["runs"]] == [0, 1, 2, 3]
