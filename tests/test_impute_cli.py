"""`keras-gan impute` and `keras-gan train --variant gain` (in-process, tiny step counts)."""

import csv
import json

import numpy as np
import pytest

from trainers import cli


def table_csv(path, n=60, seed=0, missing=0.2):
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(n)
    values = np.stack([factor, 2 * factor + 1, -factor], axis=1) + 0.01 * rng.standard_normal((n, 3))
    holes = rng.uniform(size=values.shape) < missing
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["a", "b", "c", "kind"])
        for i, row in enumerate(values):
            cells = ["" if h else f"{v:.4f}" for v, h in zip(row, holes[i])]
            writer.writerow(cells + ["" if i % 7 == 3 else ("up" if factor[i] > 0 else "down")])
    return path


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_impute_trains_writes_and_reuses_a_run(tmp_path, capsys):
    source = table_csv(tmp_path / "in.csv")
    out, run = tmp_path / "out.csv", tmp_path / "run"
    argv = ["impute", "--input", str(source), "--output", str(out), "--run-dir", str(run),
            "--steps", "30", "--batch-size", "16", "--categorical", "kind", "--num-imputations", "2",
            "--preset", "plus"]
    assert cli.main(argv) == 0
    assert "Saved the imputer" in capsys.readouterr().out
    options = json.loads((run / "imputer.json").read_text())["options"]
    assert options["refinement_steps"] == 1 and options["generator_units"] == [128, 128]
    before, after = rows(source), rows(out)
    assert after[0] == before[0] and len(after) == len(before)
    for old, new in zip(before[1:], after[1:]):
        for o, n in zip(old, new):
            assert n != "" and (o == "" or o == n)  # every cell filled, observed ones unchanged
        assert new[3] in ("up", "down")
        float(new[0]), float(new[1]), float(new[2])
    # Reusing the run gives the same table (same seed) without training again.
    again = tmp_path / "again.csv"
    assert cli.main(argv[:4] + [str(again)] + argv[5:]) == 0
    assert "Reusing the imputer" in capsys.readouterr().out
    assert rows(again) == after
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")) == []


def test_train_variant_gain_then_impute_reuses_it(tmp_path, capsys):
    source = table_csv(tmp_path / "in.csv")
    run = tmp_path / "gain-run"
    assert cli.main(["train", "--variant", "gain", "--dataset", str(source), "--output-dir", str(run),
                     "--steps", "20", "--batch-size", "16", "--option", "categorical=kind"]) == 0
    assert (run / "gain.keras").is_file() and (run / "encoder.json").is_file()
    out = tmp_path / "out.csv"
    assert cli.main(["impute", "--input", str(source), "--output", str(out), "--run-dir", str(run)]) == 0
    assert "Reusing the imputer in" in capsys.readouterr().out and all("" not in r for r in rows(out))


def test_complete_file_is_copied_through(tmp_path, capsys):
    source = tmp_path / "full.csv"
    source.write_text("a,b\n1,2\n3,4\n")
    out = tmp_path / "out.csv"
    assert cli.main(["impute", "--input", str(source), "--output", str(out)]) == 0
    assert "has no missing cell" in capsys.readouterr().out
    assert out.read_text() == source.read_text()


@pytest.mark.parametrize("text, message", [
    ("a,b\n1,2\n3\n", "line 3 has 1 cells; the header has 2"),
    ("a,b\n1,x\n,2\n", "column 'b' is not numeric"),
    ("a,b\n1,\n,\n", "column 'b' has no observed value"),
])
def test_bad_input_is_refused_and_nothing_written(tmp_path, capsys, text, message):
    source = tmp_path / "bad.csv"
    source.write_text(text)
    out = tmp_path / "out.csv"
    assert cli.main(["impute", "--input", str(source), "--output", str(out), "--steps", "5"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_preset_plus_mice_saves_its_blend(tmp_path, capsys):
    source = table_csv(tmp_path / "in.csv")
    out, run = tmp_path / "out.csv", tmp_path / "run"
    assert cli.main(["impute", "--input", str(source), "--output", str(out), "--run-dir", str(run),
                     "--steps", "10", "--batch-size", "16", "--categorical", "kind",
                     "--preset", "plus_mice"]) == 0
    facts = json.loads((run / "imputer.json").read_text())
    assert facts["blend"] == "mice" and facts["options"]["refinement_steps"] == 1
    assert all("" not in r for r in rows(out))


def test_preset_choices_are_the_librarys_presets():
    import argparse

    from keras_gan.imputation import PRESETS
    from trainers import impute

    parser = argparse.ArgumentParser()
    impute.add_arguments(parser)
    choices = next(a.choices for a in parser._actions if a.dest == "preset")
    assert sorted(choices) == sorted(PRESETS)
