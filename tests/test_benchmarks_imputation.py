"""`benchmarks/imputation.py` stays working: the RMSE protocol checked against hand values,
and its `--smoke` run in a subprocess, its JSON checked (not timed)."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import ROOT, load_script

SCRIPT = os.path.join(ROOT, "benchmarks", "imputation.py")


imputation = load_script(SCRIPT)


def test_normalized_rmse_and_mask_by_hand():
    truth = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    imputed = truth.copy()
    imputed[0, 0], imputed[2, 1] = 1.0, 20.0  # errors 1/4 and -10/20 of the column ranges
    mask = np.ones_like(truth)
    mask[0, 0] = mask[2, 1] = 0
    assert imputation.normalized_rmse(truth, imputed, mask) == math.sqrt((0.25 ** 2 + 0.5 ** 2) / 2)
    m = imputation.mcar_mask((2000, 50), 0.2, seed=3)
    assert abs(1 - m.mean() - 0.2) < 0.005
    np.testing.assert_array_equal(m, imputation.mcar_mask((2000, 50), 0.2, seed=3))


@pytest.mark.slow
def test_smoke_run_writes_a_consistent_json(tmp_path):
    output = tmp_path / "imputation.json"
    env = {**os.environ, "PYTHONPATH": ROOT, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, SCRIPT, "--smoke", "--output", str(output)],
                   check=True, env=env, capture_output=True, timeout=300)
    report = json.loads(output.read_text())
    assert report["smoke"] is True and len(report["results"]) == 6  # 3 methods x 2 seeds
    summary = report["summary"]["wine"]["0.2"]
    assert set(summary) == {"mean", "knn", "gain"}
    for method, values in summary.items():
        assert values["seeds"] == 2 and 0.0 < values["rmse_mean"] < 1.0, (method, values)
        assert values["cpu_seconds_mean"] >= 0.0
    # The same mask and data for all methods: mean imputation is deterministic, so its
    # result recomputed here is the JSON's.
    rerun = imputation.run_one("wine", 0.2, "mean", 0, steps=1)["rmse"]
    assert rerun == report["results"]["wine|0.2|mean|0"]["rmse"]


def test_gain_plus_is_the_library_preset():
    from keras_gan import imputation as library

    assert imputation.GAIN_METHODS["gain_plus"] == library.preset("plus")
    assert imputation.GAIN_METHODS["gain_plus_x2"] == {**library.preset("plus"), "num_models": 2}
    assert library.preset("paper") == {}
    with pytest.raises(ValueError, match="Unknown imputer preset 'best'.*'paper', 'plus'"):
        library.preset("best")


def test_merge_joins_seed_chunks_and_refuses_disagreeing_runs(tmp_path):
    # Two chunks measured apart (as two processes would), then one merged report.
    chunk = ["--datasets", "wine", "--rates", "0.2", "--methods", "mean,knn"]
    first, second, merged = (str(tmp_path / n) for n in ("a.json", "b.json", "all.json"))
    assert imputation.main(chunk + ["--seeds", "0", "--output", first]) == 0
    assert imputation.main(chunk + ["--seeds", "1", "--output", second]) == 0
    assert imputation.main(["--output", merged, "--merge", first, second]) == 0
    report = json.loads(open(merged).read())
    assert sorted(report["results"]) == ["wine|0.2|knn|0", "wine|0.2|knn|1",
                                         "wine|0.2|mean|0", "wine|0.2|mean|1"]
    expected = np.mean([report["results"][f"wine|0.2|mean|{s}"]["rmse"] for s in (0, 1)])
    assert report["summary"]["wine"]["0.2"]["mean"]["seeds"] == 2
    # Where each chunk was measured travels with its results (equal facts once).
    assert 1 <= len(report["machines"]) <= 2
    assert all("instruction_sets" in m and "threads" in m for m in report["machines"])
    assert report["summary"]["wine"]["0.2"]["mean"]["rmse_mean"] == pytest.approx(expected)

    tampered = json.loads(open(second).read())
    tampered["results"]["wine|0.2|mean|1"]["rmse"] += 0.01
    with open(second, "w") as f:
        json.dump(tampered, f)
    with pytest.raises(SystemExit, match=r"wine\|0.2\|mean\|1 has RMSE .* in one file"):
        imputation.main(["--output", merged, "--merge", second])


def test_a_blend_is_the_mean_of_its_parts_imputations():
    truth = imputation.load_table("wine")
    mask = imputation.mcar_mask(truth.shape, 0.2, seed=0)
    low, span = imputation.observed_min_max(truth, mask)
    x = np.where(mask > 0, (truth - low) / span, np.nan).astype("float32")
    parts = [imputation.impute(m, x, mask, 0, steps=1) for m in ("mean", "knn")]
    blend = imputation.impute("mean+knn", x, mask, 0, steps=1)
    np.testing.assert_allclose(blend, (parts[0] + parts[1]) / 2)
    np.testing.assert_array_equal(blend[mask > 0], x[mask > 0])  # observed cells kept
    assert not np.allclose(blend, parts[0]) and not np.allclose(blend, parts[1])
    with pytest.raises(SystemExit, match="Unknown method 'mode' in blend 'mean\\+mode'"):
        imputation.main(["--methods", "mean+mode", "--output", "/nonexistent/x.json"])


def test_the_benchmarks_gain_plus_mice_is_the_library_preset():
    # The benchmark's blend "gain_plus+mice" is TableImputer(**preset("plus_mice")): the same
    # GAIN settings, and the same MICE (max_iter 10, random_state = seed) as mice_impute.
    from keras_gan import imputation as library

    plus_mice = library.preset("plus_mice")
    assert plus_mice.pop("blend") == "mice" and plus_mice == imputation.GAIN_METHODS["gain_plus"]
    truth = imputation.load_table("wine")
    mask = imputation.mcar_mask(truth.shape, 0.2, seed=4)
    low, span = imputation.observed_min_max(truth, mask)
    x = np.where(mask > 0, (truth - low) / span, np.nan).astype("float32")
    # The benchmark's MICE fits float32 input, mice_impute float64: values are in [0, 1],
    # so float32 rounding shows as an absolute error (1.6e-7 seen on an AVX2 machine, at an
    # entry of 0.0015: 1e-4 relative), not as a relative one near 0.
    np.testing.assert_allclose(imputation.impute("mice", x, mask, 4, steps=1),
                               library.mice_impute(x, mask, seed=4), rtol=1e-5, atol=1e-5)
