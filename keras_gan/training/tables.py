"""Training GAIN on a table: `TrainConfig(variant="gain", dataset="table.csv")`.

GAIN trains on a CSV table with missing cells, not on the image / 2-D data sets of the
other variants, so it has no run loop here: the recipe's defaults (explicit settings win)
configure a `keras_gan.imputation.TableImputer`, which is saved in the run directory
(`keras-gan impute --run-dir RUN` reuses it).
"""

import os

from keras_gan import recipes
from keras_gan.data import tables

# The recipe options GAIN takes (`--option key=value`).
GAIN_OPTIONS = ("hint_rate", "alpha", "categorical", "preset")


def train_imputer(config):
    """Trains and saves a `TableImputer` per `config` (a `TrainConfig` of variant "gain").

    Returns:
        (imputer, run_dir).

    Raises:
        ValueError: `dataset` is not a CSV path, the run directory already holds an
            imputer (without `resume`), or an unknown option.
    """
    from keras_gan.imputation import TableImputer, preset

    if config.variant != "gain":
        raise ValueError(f"`train_imputer` trains GAIN. Received: variant={config.variant!r}")
    defaults = recipes.defaults("gain", "toy")
    if not str(config.dataset).lower().endswith(".csv"):
        raise ValueError(
            "--variant gain trains on a CSV table with missing cells. "
            f"Received: --dataset {config.dataset!r}; expected a path ending in .csv."
        )
    if config.lr_schedule not in (None, "constant"):
        raise ValueError(
            "--variant gain trains at a constant learning rate (TableImputer). "
            f"Received: --lr-schedule {config.lr_schedule!r}; omit it or pass constant."
        )
    options = dict(config.options)
    unknown = sorted(set(options) - set(GAIN_OPTIONS))
    if unknown:
        raise ValueError(f"Unknown --option for gain: {unknown}. Known: {', '.join(GAIN_OPTIONS)}.")
    run_dir = config.output_dir or os.path.join(
        "runs", "gain-" + os.path.splitext(os.path.basename(config.dataset))[0])
    if TableImputer.exists(run_dir) and not config.resume:
        raise ValueError(f"Run directory {run_dir!r} already holds an imputer; choose another --output-dir.")
    categorical = [c for c in str(options.get("categorical", "")).split(",") if c]
    imputer = TableImputer(
        steps=config.steps or defaults["steps"],
        batch_size=config.batch_size or defaults["batch_size"],
        hint_rate=float(options.get("hint_rate", defaults["hint_rate"])),
        alpha=float(options.get("alpha", defaults["alpha"])),
        learning_rate=config.g_lr or defaults["g_lr"],
        categorical=categorical,
        seed=config.seed,
        **preset(str(options.get("preset", "paper"))),
    )
    imputer.fit(tables.read_csv(config.dataset, categorical=categorical))
    imputer.save(run_dir)
    return imputer, run_dir


__all__ = ["GAIN_OPTIONS", "train_imputer"]
