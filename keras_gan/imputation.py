"""Table imputation with GAIN: fit on a table with missing cells, complete it, save, reuse.

`TableImputer` ties `keras_gan.data.tables` (reading, normalization, one-hot) to
`keras_gan.models.GAIN` (training, imputation). Programs (`keras-gan impute`) stay thin.

Example:
```python
imputer = keras_gan.imputation.TableImputer(steps=2000, seed=0).fit("data.csv")
completed = imputer.transform("data.csv")           # a Table
imputer.save("runs/impute")                          # reuse: TableImputer.load("runs/impute")
```
"""

import contextlib
import json
import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from keras_gan.data import tables
from keras_gan.models.gain import GAIN, gain

_MODEL, _ENCODER, _FACTS = "gain.keras", "encoder.json", "imputer.json"

# Named settings of `train_gain` / `TableImputer` (`keras-gan impute --preset NAME`).
# "paper": GAIN as published. "plus": keras-gan's, tuned on breast_cancer at 20% missing
# (3 seeds per try; 10-seed results in the README's Imputation section): 20% of the observed
# cells hidden from G each step and scored (MIDA-style denoising), G 2 x 128 with dropout
# 0.2, and one refinement pass of G over its own estimate. "plus_mice": "plus" averaged
# with MICE (`TableImputer(blend="mice")`), an ensemble of two models whose errors are
# partly independent (on breast_cancer at 20% below either alone and below MICE averaged
# with MissForest; README, Imputation).
PRESETS = {
    "paper": {},
    "plus": {"drop_rate": 0.2, "generator_units": (128, 128), "generator_dropout": 0.2,
             "refinement_steps": 1},
}
PRESETS["plus_mice"] = {**PRESETS["plus"], "blend": "mice"}
BLENDS = ("mice",)


def mice_impute(x, mask, seed=0):
    """scikit-learn's IterativeImputer (MICE: BayesianRidge, 10 rounds) on normalized `x`.

    Fitted on the table it completes (MICE is transductive: it needs no training run).
    Returns `x` with its missing entries (`mask == 0`) imputed.
    """
    import warnings

    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    x = np.asarray(x, "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at high missing rates
        completed = IterativeImputer(max_iter=10, random_state=seed, keep_empty_features=True) \
            .fit_transform(np.where(mask > 0, x, np.nan))
    return np.where(mask > 0, x, completed)


def preset(name):
    """The keyword arguments of preset `name` (a copy): see `PRESETS`."""
    if name not in PRESETS:
        raise ValueError(f"Unknown imputer preset {name!r}. Expected one of {sorted(PRESETS)}.")
    return dict(PRESETS[name])


def train_gain(x, mask, steps=10_000, batch_size=128, hint_rate=0.9, alpha=100.0,
               learning_rate=1e-3, hidden_units=None, seed=0, drop_rate=0.0, reconstruction_target="observed",
               generator_units=None, generator_dropout=0.0, refinement_steps=0, strategy=None,
               verbose=0):
    """Trains a GAIN with the paper's networks on normalized `x` (NaN where missing).

    Rows are drawn by a seeded shuffle repeated for `steps` steps of `batch_size` rows
    (the authors sample batch indices uniformly; a shuffled stream sees every row evenly).

    Returns:
        The trained, compiled `GAIN`.
    """
    x = np.asarray(x, "float32")
    mask = np.asarray(mask, "float32")
    if not np.any(mask == 0):
        raise ValueError("`mask` has no missing entry: there is nothing to impute.")
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        keras.utils.set_random_seed(seed)
        model = gain(x.shape[1:], hidden_units, generator_units=generator_units,
                     generator_dropout=generator_dropout, refinement_steps=refinement_steps,
                     hint_rate=hint_rate, alpha=alpha, seed=seed, drop_rate=drop_rate,
                     reconstruction_target=reconstruction_target)
        model.compile(g_optimizer=keras.optimizers.Adam(learning_rate),
                      d_optimizer=keras.optimizers.Adam(learning_rate))
    batch_size = min(batch_size, len(x))
    data = (tf.data.Dataset.from_tensor_slices((x, mask))
            .shuffle(len(x), seed=seed).repeat().batch(batch_size, drop_remainder=True))
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=verbose)
    return model


class TableImputer:
    """GAIN imputation of a table (CSV path, NumPy array, pandas DataFrame or `Table`).

    Args:
        steps: int. Training steps (the paper: 10,000). Defaults to 10,000.
        batch_size: int. Defaults to 128 (the paper's).
        hint_rate: float. Defaults to 0.9.
        alpha: float. Defaults to 100.
        learning_rate: float. Adam's, both networks. Defaults to 1e-3 (the authors' code).
        hidden_units: tuple of ints or None. None: the paper's widths (= encoded width).
        num_imputations: int. Draws averaged per completed table. Defaults to 1.
        categorical: iterable of column names to one-hot encode. Defaults to None.
        seed: int. Defaults to 0.
        drop_rate: float. `GAIN(drop_rate=...)`: observed entries hidden from G each step
            and scored by the reconstruction term. Defaults to 0 (the paper's GAIN).
        reconstruction_target: str. `GAIN(reconstruction_target=...)`. Defaults to "observed".
        generator_units: tuple of ints or None. G's widths alone (None: `hidden_units`).
        generator_dropout: float. Dropout after G's hidden layers
            (`networks.gain_generator(dropout_rate=...)`). Defaults to 0 (the paper's G).
        refinement_steps: int. Extra passes of G over its own estimate
            (`networks.gain_generator(refinement_steps=...)`). Defaults to 0 (the paper's G).
        blend: None or "mice". "mice": each completed table is the mean of GAIN's
            imputation and MICE's (`mice_impute`, fitted on the table being completed).
            Exports (`export/_gain.py`) hold GAIN alone. Defaults to None.
    """

    def __init__(self, steps=10_000, batch_size=128, hint_rate=0.9, alpha=100.0,
                 learning_rate=1e-3, hidden_units=None, num_imputations=1, categorical=None,
                 seed=0, drop_rate=0.0, reconstruction_target="observed", generator_units=None,
                 generator_dropout=0.0, refinement_steps=0, blend=None):
        for name, value in (("steps", steps), ("batch_size", batch_size),
                            ("num_imputations", num_imputations)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        self.options = {"steps": int(steps), "batch_size": int(batch_size),
                        "hint_rate": float(hint_rate), "alpha": float(alpha),
                        "learning_rate": float(learning_rate),
                        "hidden_units": None if hidden_units is None else list(hidden_units),
                        "seed": int(seed), "drop_rate": float(drop_rate),
                        "reconstruction_target": reconstruction_target,
                        "generator_units": None if generator_units is None else list(generator_units),
                        "generator_dropout": float(generator_dropout),
                        "refinement_steps": int(refinement_steps)}
        if blend is not None and blend not in BLENDS:
            raise ValueError(f"`blend` must be None or one of {BLENDS}. Received: blend={blend!r}")
        self.blend = blend
        self.num_imputations = int(num_imputations)
        self.categorical = list(categorical or ())
        self.encoder = None
        self.model = None
        self.trained_steps = 0

    def fit(self, data):
        table = tables.as_table(data, categorical=self.categorical)
        self.encoder = tables.TableEncoder.fit(table)
        x, mask = self.encoder.encode(table)
        self.model = train_gain(x, mask, **self.options)
        self.trained_steps = self.model.step
        return self

    def transform(self, data, num_imputations=None, seed=0):
        """The completed `Table`: observed cells unchanged, missing ones imputed."""
        if self.model is None:
            raise ValueError("The imputer is not fitted: call `fit` (or `TableImputer.load`) first.")
        table = tables.as_table(data, categorical=list(self.encoder.categorical))
        x, mask = self.encoder.encode(table)
        completed = self.model.impute(x, mask, seed=seed,
                                      num_imputations=num_imputations or self.num_imputations)
        if self.blend == "mice":
            completed = (np.asarray(completed, "float64") + mice_impute(x, mask, seed)) / 2
        decoded = self.encoder.decode(completed)
        missing = table.missing()
        # Observed cells are copied from the input, never through the float round trip.
        cells = [[decoded.cells[i][j] if missing[i, j] else table.cells[i][j]
                  for j in range(len(table.columns))] for i in range(len(table.cells))]
        text = None
        if table.text is not None:
            text = [[None if missing[i, j] else table.text[i][j]
                     for j in range(len(table.columns))] for i in range(len(table.cells))]
        return tables.Table(list(table.columns), cells, table.categorical, text)

    def save(self, directory):
        """Writes `gain.keras`, `encoder.json` and `imputer.json` atomically (a temporary
        folder renamed into place)."""
        if self.model is None:
            raise ValueError("The imputer is not fitted: nothing to save.")
        directory = os.path.abspath(os.fspath(directory))
        parent = os.path.dirname(directory)
        os.makedirs(parent, exist_ok=True)
        temporary = tempfile.mkdtemp(prefix=".tmp-imputer-", dir=parent)
        try:
            self.model.save(os.path.join(temporary, _MODEL))
            with open(os.path.join(temporary, _ENCODER), "w") as f:
                json.dump(self.encoder.get_config(), f, indent=1)
            with open(os.path.join(temporary, _FACTS), "w") as f:
                json.dump({"variant": "gain", "options": self.options,
                           "num_imputations": self.num_imputations, "blend": self.blend,
                           "categorical": self.categorical, "step": self.model.step}, f, indent=1)
            if os.path.isdir(directory):
                shutil.rmtree(directory)
            os.replace(temporary, directory)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        return directory

    @staticmethod
    def exists(directory):
        return all(os.path.isfile(os.path.join(directory, n)) for n in (_MODEL, _ENCODER, _FACTS))

    @classmethod
    def load(cls, directory):
        directory = os.fspath(directory)
        if not cls.exists(directory):
            raise FileNotFoundError(
                f"{directory!r} is not an imputer run directory (expected {_MODEL}, {_ENCODER} "
                f"and {_FACTS}); train one with `keras-gan impute --run-dir {directory} ...`."
            )
        with open(os.path.join(directory, _FACTS)) as f:
            facts = json.load(f)
        with open(os.path.join(directory, _ENCODER)) as f:
            encoder = tables.TableEncoder.from_config(json.load(f))
        # Runs saved before `blend` existed have none.
        imputer = cls(num_imputations=facts["num_imputations"], categorical=facts["categorical"],
                      blend=facts.get("blend"), **facts["options"])
        imputer.encoder = encoder
        imputer.trained_steps = int(facts["step"])
        imputer.model = keras.saving.load_model(os.path.join(directory, _MODEL))
        if not isinstance(imputer.model, GAIN):
            raise ValueError(f"{directory!r} holds a {type(imputer.model).__name__}, not a GAIN.")
        return imputer
