"""`keras-gan train`'s flags are generated from `TrainConfig`; the library owns no CLI file
names (`keras_gan.runs` alone spells the run directory's)."""

import argparse
import ast
import dataclasses
import os
import re

import pytest

from keras_gan.training import TrainConfig
from trainers import cli
from trainers import train as train_program

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The flags of `keras-gan train` before they were generated (the release's CLI contract).
FLAGS = [
    "--variant", "--dataset", "--data-dir", "--image-size", "--output-dir", "--resume",
    "--strategy", "--seed", "--epochs", "--steps", "--batch-size", "--latent-dim", "--g-lr",
    "--d-lr", "--lr-schedule", "--beta-1", "--beta-2", "--d-steps", "--generator-loss", "--label-smoothing",
    "--ema-decay", "--ema-rampup", "--base-filters", "--hidden-units", "--num-samples", "--verbose",
    "--precision", "--checkpoint-every", "--deterministic", "--sync-batch-norm",
    "--connect-timeout", "--metrics-every", "--metrics", "--metrics-extractor",
    "--metrics-samples", "--no-tensorboard", "--option",
]


def _parser():
    parser = argparse.ArgumentParser()
    train_program.add_arguments(parser)
    return parser


def _actions():
    return [a for a in _parser()._actions if a.dest != "help"]


def test_one_flag_per_config_field_with_the_fields_default():
    actions = _actions()
    assert [a.option_strings[0] for a in actions] == FLAGS
    fields = dataclasses.fields(TrainConfig)
    assert [a.dest for a in actions] == [f.name for f in fields]
    for action, field in zip(actions, fields):
        assert action.help == field.metadata["help"] and action.help, field.name
        if field.name != "options":  # repeatable KEY=VALUE pairs, collected into a dict
            assert action.default == field.default, field.name


def test_known_flags_parse_to_a_config():
    args = _parser().parse_args([
        "--variant", "wgan_gp", "--g-lr", "1e-4", "--steps", "7", "--no-tensorboard", "--resume",
        "--option", "gp_weight=5", "--option", "augment=translation", "--precision", "mixed_bfloat16",
    ])
    config = train_program.config_from_args(args)
    assert config == TrainConfig(variant="wgan_gp", g_lr=1e-4, steps=7, tensorboard=False, resume=True,
                                 options={"gp_weight": 5, "augment": "translation"},
                                 precision="mixed_bfloat16")
    assert isinstance(config.g_lr, float) and isinstance(config.steps, int)
    # No flags: every field at its default.
    assert train_program.config_from_args(_parser().parse_args([])) == TrainConfig()


def test_flag_errors_name_the_value(capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["--option", "gp_weight"])
    assert "`--option` must look like key=value. Received: --option 'gp_weight'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["--verbose", "3"])
    assert "invalid choice: 3" in capsys.readouterr().err


def test_help_lists_every_flag(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    shown = set(re.findall(r"--[a-z0-9-]+", capsys.readouterr().out))
    assert set(FLAGS) <= shown


def test_config_validation_names_the_setting():
    with pytest.raises(ValueError, match=r"Unknown strategy 'tpu'. Expected one of \['default'.*"
                                         r"Received: strategy='tpu'"):
        TrainConfig(strategy="tpu").validate()
    with pytest.raises(ValueError, match=r"Unknown generator_loss 'hinge'"):
        TrainConfig(generator_loss="hinge").validate()
    assert TrainConfig(generator_loss=None).validate().generator_loss is None


def test_a_recipe_registered_later_is_a_valid_variant():
    from keras_gan import recipes

    with pytest.raises(ValueError, match="Unknown variant 'my_gan'"):
        TrainConfig(variant="my_gan").validate()
    recipes.register(dataclasses.replace(recipes.get("gan"), name="my_gan"))
    try:
        assert TrainConfig(variant="my_gan").validate().variant == "my_gan"
        assert "my_gan" in _parser()._option_string_actions["--variant"].choices
    finally:
        del recipes.REGISTRY["my_gan"]


# The run directory's file names: only keras_gan/runs.py spells them.
RUN_FILES = re.compile(
    r"(^|[/\\])(config\.json|model\.json|generator\.keras|ema_generator\.keras|losses\.csv|"
    r"losses\.png|metrics\.csv|metrics\.png|metrics\.json|sample\.png)$"
)


def _code_strings(tree):
    """String constants of a module that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [n for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_run_directory_file_names_are_spelled_only_by_keras_gan_runs():
    offenders = []
    package = os.path.join(ROOT, "keras_gan")
    for folder, _, files in os.walk(package):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith(".py") or path == os.path.join(package, "runs.py"):
                continue
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            offenders += [f"{os.path.relpath(path, ROOT)}:{n.lineno}: {n.value!r}"
                          for n in _code_strings(tree) if RUN_FILES.search(n.value)]
    assert offenders == []
    # The check sees a literal when there is one.
    assert [n.value for n in _code_strings(ast.parse('"""model.json"""\nx = "run/model.json"'))] == [
        "run/model.json"]
