"""Tables with missing cells for imputation (GAIN): reading, encoding, decoding, writing.

A `Table` holds named columns; a missing cell is NaN (numeric) or None (categorical). It
comes from a CSV file with a header row (`read_csv`), a 2-D NumPy array or a pandas
DataFrame (`as_table`; pandas is optional, duck-typed). `TableEncoder` turns a table into
the `(x, mask)` arrays a `keras_gan.models.GAIN` trains on:

- numeric columns: per-column min-max normalization `(v - min) / (max - min)` fitted on the
  observed values only (GAIN's preprocessing), inverted on output;
- categorical columns (named in `categorical`, or pandas `category` dtype): one-hot in
  (one mask value for the whole group), argmax out.

Missing-cell tokens in CSV files (case-insensitive): "", "na", "n/a", "nan", "null",
"none", "?".
"""

import csv
import dataclasses
import math
import os
import tempfile

import numpy as np

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})


@dataclasses.dataclass
class Table:
    """Named columns of equal length.

    Attributes:
        columns: list of str. Column names.
        cells: list of lists, one per row: floats (NaN = missing) for numeric columns,
            str or None (missing) for categorical ones.
        categorical: tuple of str. The categorical columns.
        text: list of lists of str or None. The cells as read from a CSV file (written
            back unchanged where observed), or None.
    """

    columns: list
    cells: list
    categorical: tuple = ()
    text: list = None

    @property
    def shape(self):
        return (len(self.cells), len(self.columns))

    def missing(self):
        """Boolean array `[rows, columns]`: True where a cell is missing."""
        return np.array([[_is_missing(v) for v in row] for row in self.cells], dtype=bool).reshape(self.shape)

    def numeric(self):
        """The cells as a float array (numeric tables only), NaN where missing."""
        if self.categorical:
            raise ValueError(
                f"`numeric()` needs a table without categorical columns. Received columns "
                f"{list(self.categorical)} as categorical."
            )
        return np.array(self.cells, dtype="float64").reshape(self.shape)


def _is_missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def _parse_cell(value):
    """A cell as float, None (missing) or str (non-numeric)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    text = str(value).strip()
    if text.lower() in MISSING_TOKENS:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return None if math.isnan(number) else number


def _build_table(columns, rows, categorical, source, text=None):
    columns = [str(c) for c in columns]
    if len(set(columns)) != len(columns):
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        raise ValueError(f"{source}: column names must be unique. Received duplicates: {duplicates}")
    categorical = tuple(categorical or ())
    unknown = [c for c in categorical if c not in columns]
    if unknown:
        raise ValueError(
            f"`categorical` names columns that {source} does not have: {unknown}. "
            f"Columns: {columns}"
        )
    if not rows:
        raise ValueError(f"{source} has no data rows (expected a header row and at least one row).")
    parsed = [[_parse_cell(v) for v in row] for row in rows]
    cells = []
    for i, row in enumerate(parsed):
        out = []
        for j, value in enumerate(row):
            name = columns[j]
            if name in categorical:
                out.append(None if value is None else (
                    _format_number(value) if isinstance(value, float) else value))
            elif isinstance(value, str):
                raise ValueError(
                    f"{source}: column {name!r} is not numeric (row {i + 1} holds {value!r}). "
                    f"Declare it categorical (categorical=[{name!r}], or "
                    f"`--categorical {name}` on the command line) or drop it."
                )
            else:
                out.append(math.nan if value is None else value)
        cells.append(out)
    for j, name in enumerate(columns):
        if all(_is_missing(row[j]) for row in cells):
            raise ValueError(
                f"{source}: column {name!r} has no observed value: nothing to learn it from. "
                "Drop the column or provide some of its values."
            )
    return Table(columns, cells, categorical, text)


def read_csv(path, categorical=None):
    """Reads a CSV file with a header row into a `Table`.

    Args:
        path: str or path-like. The CSV file.
        categorical: iterable of column names to one-hot encode, or None. Defaults to None.

    Raises:
        ValueError: ragged rows, non-numeric cells in a numeric column, a column without
            any observed value, an empty file, duplicate column names.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such CSV file: {path!r}")
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row != []]
    if not rows:
        raise ValueError(f"{path!r} is empty (expected a header row and data rows).")
    header, body = rows[0], rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(
                f"{path!r} line {line} has {len(row)} cells; the header has {len(header)} "
                f"({header}). Every row needs one cell per column (leave a cell empty if missing)."
            )
    text = [[cell for cell in row] for row in body]
    return _build_table(header, body, categorical, repr(path), text=text)


def as_table(data, columns=None, categorical=None):
    """A `Table` from a CSV path, a `Table`, a 2-D NumPy array or a pandas DataFrame.

    Args:
        data: the table. NumPy arrays are 2-D, NaN (or None in object arrays) for missing.
        columns: list of str or None. Column names of an array; defaults to "c0", "c1", ...
        categorical: iterable of column names or None. pandas `category` columns are
            categorical without being named. Defaults to None.
    """
    if isinstance(data, Table):
        return data
    if isinstance(data, (str, os.PathLike)):
        return read_csv(data, categorical)
    if hasattr(data, "columns") and hasattr(data, "dtypes") and hasattr(data, "itertuples"):
        names = [str(c) for c in data.columns]
        auto = [str(c) for c, t in zip(data.columns, data.dtypes) if str(t) == "category"]
        categorical = list(dict.fromkeys(list(categorical or ()) + auto))
        rows = [[None if _pandas_missing(v) else v for v in row] for row in data.itertuples(index=False)]
        return _build_table(names, rows, categorical, "the DataFrame")
    array = np.asarray(data, dtype=object if getattr(data, "dtype", None) == object else None)
    if array.ndim != 2:
        raise ValueError(
            f"A table array must be 2-D [rows, columns]. Received: data with shape {array.shape}"
        )
    if columns is None:
        columns = [f"c{j}" for j in range(array.shape[1])]
    if len(columns) != array.shape[1]:
        raise ValueError(
            f"`columns` must name each of the {array.shape[1]} columns. Received: {len(columns)} names"
        )
    return _build_table(columns, array.tolist(), categorical, "the array")


def _pandas_missing(value):
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA compare unequal to themselves
    except TypeError:  # pd.NA raises on bool()
        return True


def _format_number(value):
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


class TableEncoder:
    """Encodes a `Table` to GAIN's `(x, mask)` and back.

    Numeric column j: `x = (v - min_j) / (max_j - min_j)` with min and max over the observed
    values (a constant column uses a range of 1). Categorical column: one 0/1 entry per
    category (sorted), the column's mask repeated over the group.

    Args:
        columns: list of str. Column names, in order.
        categorical: dict `{name: [categories]}` of the categorical columns.
        minimum: dict `{name: float}` for numeric columns.
        maximum: dict `{name: float}` for numeric columns.
        integer: list of str. Numeric columns whose observed values are all integers
            (imputed values are rounded on output).
    """

    def __init__(self, columns, categorical, minimum, maximum, integer=()):
        self.columns = list(columns)
        self.categorical = {k: list(v) for k, v in categorical.items()}
        self.minimum = {k: float(v) for k, v in minimum.items()}
        self.maximum = {k: float(v) for k, v in maximum.items()}
        self.integer = list(integer)

    @classmethod
    def fit(cls, table):
        """Learns the normalization (observed values only) and the categories."""
        table = as_table(table)
        categorical, minimum, maximum, integer = {}, {}, {}, []
        for j, name in enumerate(table.columns):
            values = [row[j] for row in table.cells if not _is_missing(row[j])]
            if name in table.categorical:
                categorical[name] = sorted(set(values))
            else:
                minimum[name], maximum[name] = min(values), max(values)
                if all(float(v).is_integer() for v in values):
                    integer.append(name)
        return cls(table.columns, categorical, minimum, maximum, integer)

    @property
    def width(self):
        """Number of encoded entries per row."""
        return sum(len(self.categorical[c]) if c in self.categorical else 1 for c in self.columns)

    def slices(self):
        """`{column: slice of its encoded entries}`."""
        out, start = {}, 0
        for c in self.columns:
            size = len(self.categorical[c]) if c in self.categorical else 1
            out[c] = slice(start, start + size)
            start += size
        return out

    def scale(self):
        """(offset, range) arrays `[width]`: raw = x * range + offset (one-hot: 0, 1)."""
        offset, span = np.zeros(self.width, "float64"), np.ones(self.width, "float64")
        for c, s in self.slices().items():
            if c not in self.categorical:
                offset[s] = self.minimum[c]
                span[s] = (self.maximum[c] - self.minimum[c]) or 1.0
        return offset, span

    def encode(self, table):
        """`(x, mask)`, float32 `[rows, width]`; x is NaN where missing."""
        table = as_table(table, categorical=list(self.categorical))
        if table.columns != self.columns:
            raise ValueError(
                f"The table's columns {table.columns} differ from the encoder's {self.columns}."
            )
        rows = len(table.cells)
        x = np.full((rows, self.width), np.nan, "float64")
        mask = np.zeros((rows, self.width), "float32")
        offset, span = self.scale()
        for j, (c, s) in enumerate(self.slices().items()):
            for i, row in enumerate(table.cells):
                value = row[j]
                if _is_missing(value):
                    continue
                mask[i, s] = 1.0
                if c in self.categorical:
                    if value not in self.categorical[c]:
                        raise ValueError(
                            f"Column {c!r} row {i + 1} holds {value!r}, a category not seen when "
                            f"the encoder was fitted ({self.categorical[c]})."
                        )
                    x[i, s] = 0.0
                    x[i, s.start + self.categorical[c].index(value)] = 1.0
                else:
                    x[i, s] = (value - offset[s.start]) / span[s.start]
        return x.astype("float32"), mask

    def decode(self, x, round_integers=True):
        """Encoded rows `[rows, width]` -> a `Table` in the original units and categories."""
        x = np.asarray(x, "float64")
        if x.ndim != 2 or x.shape[1] != self.width:
            raise ValueError(f"`x` must have shape [rows, {self.width}]. Received: {x.shape}")
        offset, span = self.scale()
        raw = x * span + offset
        cells = [[None] * len(self.columns) for _ in range(len(x))]
        for j, (c, s) in enumerate(self.slices().items()):
            if c in self.categorical:
                picks = np.argmax(x[:, s], axis=1)
                for i, k in enumerate(picks):
                    cells[i][j] = self.categorical[c][k]
            else:
                column = raw[:, s.start]
                if round_integers and c in self.integer:
                    column = np.round(column)
                for i, v in enumerate(column):
                    cells[i][j] = float(v)
        return Table(list(self.columns), cells, tuple(self.categorical))

    def get_config(self):
        return {"columns": self.columns, "categorical": self.categorical,
                "minimum": self.minimum, "maximum": self.maximum, "integer": self.integer}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def write_csv(table, path, observed_text=None):
    """Writes a `Table` to CSV atomically (a temporary file in the same folder, renamed).

    Args:
        table: `Table`. Numeric cells are written with `repr` (integers without ".0").
        path: str or path-like. The output file.
        observed_text: list of lists of str or None. Original cell texts written instead of
            `table`'s values where not None (keeps observed cells byte for byte).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(table.columns)
            for i, row in enumerate(table.cells):
                out = []
                for j, v in enumerate(row):
                    original = observed_text[i][j] if observed_text is not None else None
                    if original is not None:
                        out.append(original)
                    elif isinstance(v, float):
                        out.append(_format_number(v))
                    else:
                        out.append("" if v is None else str(v))
                writer.writerow(out)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
