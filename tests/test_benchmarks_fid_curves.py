"""`benchmarks/fid_curves.py`: each run's own FID against training CPU-minutes, from the
`metrics.csv` that `keras-gan train --metrics-every N` writes (its columns as written by
`MetricsCallback`: epoch, metric, train_cpu_seconds, train_seconds)."""

import pytest
from PIL import Image

from tests.helpers import load_script

HEADER = "epoch,fid,train_cpu_seconds,train_seconds\n"


def _run(directory, rows):
    directory.mkdir()
    (directory / "metrics.csv").write_text(HEADER + "".join(f"{r}\n" for r in rows))
    return str(directory)


def test_curves_are_cpu_minutes_and_fid_of_each_run(tmp_path, capsys):
    script = load_script("benchmarks/fid_curves.py")
    first = _run(tmp_path / "seed0", ["10,600.0,60.0,62.0", "20,70.0,120.0,125.0"])
    second = _run(tmp_path / "seed1", ["10,500.0,90.0,91.0", "20,,180.0,182.0", "30,40.0,270.0,275.0"])
    assert script.run_curve(first) == ([1.0, 2.0], [600.0, 70.0])
    assert script.run_curve(second) == ([1.5, 4.5], [500.0, 40.0])  # the row without fid skipped
    png = tmp_path / "curves.png"
    assert script.main([first, second, "--png", str(png), "--label", "a", "--label", "b"]) == 0
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (600, 400)
    out = capsys.readouterr().out
    assert "a: fid 70 at 2.0 CPU-min" in out and "b: fid 40 at 4.5 CPU-min" in out


def test_a_run_without_metric_rows_and_a_label_count_mismatch_are_refused(tmp_path, capsys):
    script = load_script("benchmarks/fid_curves.py")
    empty = _run(tmp_path / "empty", [])
    png = tmp_path / "curves.png"
    assert script.main([empty, "--png", str(png)]) == 2
    assert "empty: its metrics.csv has no rows with `fid` and `train_cpu_seconds`" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        script.main([empty, "--png", str(png), "--label", "a", "--label", "b"])
    assert "--label must be given once per RUN_DIR (1). Received: 2 labels" in capsys.readouterr().err
    assert script.main([str(tmp_path / "missing"), "--png", str(png)]) == 2
    assert "missing: no such run directory." in capsys.readouterr().err
    assert not png.exists()
