"""`keras-gan train`: trains a variant on a data set and writes a run directory.

A thin program over `keras_gan.training`: its flags are generated from the fields of
`keras_gan.training.TrainConfig` (name, type, default, help, choices), the parsed flags
become a `TrainConfig`, and `keras_gan.training.train` does the rest. The run directory's
layout is `keras_gan.runs`'.
"""

import argparse
import dataclasses

from keras_gan.training import config as train_config

def flag_name(field):
    """The field's flag: its metadata's `flag`, else `--<name with dashes>`."""
    return field.metadata.get("flag") or "--" + field.name.replace("_", "-")


def _option(text):
    try:
        return train_config.parse_option(text)
    except ValueError as e:  # argparse shows an ArgumentTypeError's own message
        raise argparse.ArgumentTypeError(str(e)) from None


def add_arguments(parser):
    """One flag per `TrainConfig` field; defaults, types, help and choices come from the
    field (None defaults: the recipe decides)."""
    for field in dataclasses.fields(train_config.TrainConfig):
        meta = field.metadata
        kwargs = {"dest": field.name, "help": meta["help"]}
        if meta.get("metavar"):
            kwargs["metavar"] = meta["metavar"]
        kind = train_config.value_type(field)
        if kind is bool:  # a switch: `--flag` when off by default, `--no-flag` when on
            kwargs["action"] = "store_false" if field.default else "store_true"
        elif kind is dict:  # repeatable KEY=VALUE pairs
            kwargs.update(action="append", type=_option, default=None)
        else:
            kwargs.update(type=kind, default=field.default)
            if train_config.choices_of(field) is not None:
                kwargs["choices"] = train_config.choices_of(field)
        parser.add_argument(flag_name(field), **kwargs)


def config_from_args(args):
    """A `TrainConfig` from parsed command-line arguments (same names)."""
    values = {name: getattr(args, name) for name in train_config.SETTINGS}
    values["options"] = dict(values["options"] or [])
    return train_config.TrainConfig(**values)


def run(args):
    from keras_gan import training

    config = config_from_args(args)
    if config.variant == "gain":  # tables with missing cells, not a run loop
        _, run_dir = training.train_imputer(config)
        print(f"Run directory: {run_dir}")
        print(f"Complete tables with: keras-gan impute --run-dir {run_dir} --input IN.csv --output OUT.csv")
        return 0
    if config.strategy == "mirrored":
        training.strategies.split_cpu_if_alone()
    try:
        result = training.train(config)
    except training.TrainingDiverged as e:
        print(f"error: {e}")
        return 1
    print(f"Run directory: {result.output_dir}")
    print(f"Last sample grid: {result.sample_grid}")
    if result.history:
        last = {k: round(v[-1], 4) for k, v in result.history.items()}
        print(f"Final losses: {last}")
    print(f"Weights digest: {training.weights_digest(result.gan)}")
    return 0


__all__ = ["add_arguments", "config_from_args", "flag_name", "run"]
