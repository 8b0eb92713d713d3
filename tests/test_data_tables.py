"""Tables with missing cells (keras_gan.data.tables): CSV / NumPy / pandas, encoding, errors."""

import math

import numpy as np
import pandas as pd
import pytest

from keras_gan.data import tables


def write(path, text):
    path.write_text(text)
    return path


def test_csv_min_max_fitted_on_observed_values_and_inverted(tmp_path):
    path = write(tmp_path / "t.csv", "a,b\n1,10\n3,\nNA,30\n2,20\n")
    table = tables.read_csv(path)
    assert table.columns == ["a", "b"] and table.shape == (4, 2)
    np.testing.assert_array_equal(table.missing(), [[0, 0], [0, 1], [1, 0], [0, 0]])
    encoder = tables.TableEncoder.fit(table)
    assert encoder.minimum == {"a": 1.0, "b": 10.0} and encoder.maximum == {"a": 3.0, "b": 30.0}
    x, mask = encoder.encode(table)
    # (v - min) / (max - min): a: 0, 1, -, 0.5; b: 0, -, 1, 0.5.
    np.testing.assert_allclose(x[[0, 1, 3], 0], [0.0, 1.0, 0.5])
    np.testing.assert_allclose(x[[0, 2, 3], 1], [0.0, 1.0, 0.5])
    assert math.isnan(x[1, 1]) and math.isnan(x[2, 0])
    np.testing.assert_array_equal(mask, 1 - table.missing())
    decoded = encoder.decode(np.nan_to_num(x, nan=0.25))
    assert decoded.cells[3] == [2.0, 20.0]
    assert decoded.cells[1][1] == 15.0  # 0.25 * 20 + 10: integer column, rounded
    # An encoder survives its JSON config.
    again = tables.TableEncoder.from_config(encoder.get_config())
    np.testing.assert_array_equal(again.encode(table)[0][~np.isnan(x)], x[~np.isnan(x)])


def test_categorical_one_hot_in_argmax_out(tmp_path):
    path = write(tmp_path / "t.csv", "size,color\n1.5,red\n2.5,\n,blue\n0.5,green\n")
    with pytest.raises(ValueError, match=r"column 'color' is not numeric \(row 1 holds 'red'\).*categorical=\['color'\]"):
        tables.read_csv(path)
    table = tables.read_csv(path, categorical=["color"])
    encoder = tables.TableEncoder.fit(table)
    assert encoder.categorical == {"color": ["blue", "green", "red"]} and encoder.width == 4
    x, mask = encoder.encode(table)
    np.testing.assert_array_equal(x[0, 1:], [0, 0, 1])
    np.testing.assert_array_equal(mask[1], [1, 0, 0, 0])  # one mask value for the whole group
    filled = np.nan_to_num(x, nan=0.0)
    filled[1, 1:] = [0.2, 0.7, 0.1]  # argmax -> "green"
    assert encoder.decode(filled).cells[1][1] == "green"


def test_numpy_and_pandas_sources_agree(tmp_path):
    array = np.array([[1.0, np.nan], [2.0, 4.0], [np.nan, 8.0]])
    from_numpy = tables.as_table(array)
    assert from_numpy.columns == ["c0", "c1"]
    frame = pd.DataFrame({"c0": [1.0, 2.0, None], "c1": [None, 4, 8], "k": pd.Categorical(["x", None, "y"])})
    from_pandas = tables.as_table(frame)
    assert from_pandas.categorical == ("k",)
    np.testing.assert_array_equal(from_pandas.missing()[:, :2], from_numpy.missing())
    assert from_pandas.cells[1][2] is None and from_pandas.cells[2][2] == "y"
    np.testing.assert_array_equal(
        tables.TableEncoder.fit(from_numpy).encode(from_numpy)[1],
        tables.TableEncoder.fit(from_pandas).encode(from_pandas)[1][:, :2],
    )


def test_bad_tables_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="line 3 has 3 cells; the header has 2"):
        tables.read_csv(write(tmp_path / "r.csv", "a,b\n1,2\n3,4,5\n"))
    with pytest.raises(ValueError, match="column 'b' has no observed value"):
        tables.read_csv(write(tmp_path / "e.csv", "a,b\n1,\n2,NA\n"))
    with pytest.raises(ValueError, match="no data rows"):
        tables.read_csv(write(tmp_path / "h.csv", "a,b\n"))
    with pytest.raises(ValueError, match=r"duplicates: \['a'\]"):
        tables.read_csv(write(tmp_path / "d.csv", "a,a\n1,2\n"))
    with pytest.raises(ValueError, match=r"does not have: \['zz'\]"):
        tables.read_csv(write(tmp_path / "ok.csv", "a,b\n1,2\n"), categorical=["zz"])
    with pytest.raises(ValueError, match=r"2-D \[rows, columns\]. Received: data with shape \(3,\)"):
        tables.as_table(np.zeros(3))
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        tables.read_csv(tmp_path / "nope.csv")


def test_write_csv_is_atomic_and_keeps_observed_text(tmp_path):
    path = write(tmp_path / "in.csv", "a,b\n1.50,x\n,y\n")
    table = tables.read_csv(path, categorical=["b"])
    out = tmp_path / "out.csv"
    completed = tables.Table(table.columns, [[1.5, "x"], [2.0, "y"]], ("b",))
    text = [[t if not m else None for t, m in zip(row, miss)] for row, miss in zip(table.text, table.missing())]
    tables.write_csv(completed, out, observed_text=text)
    assert out.read_text().splitlines() == ["a,b", "1.50,x", "2,y"]  # "1.50" kept byte for byte
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []

    class Boom:  # fails while the second row is being written
        def __str__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        tables.write_csv(tables.Table(["a", "b"], [[1.0, "x"], [2.0, Boom()]], ("b",)), out)
    assert out.read_text().splitlines()[1] == "1.50,x"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []
