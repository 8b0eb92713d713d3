"""The README is the front door: every ```python block runs, every `keras-gan` command parses.

Each Python block runs as printed in a fresh interpreter, in one working directory that holds
what the README's own commands make first (`keras-gan train`, cut to 2 steps, and
`keras-gan export` of that run). Only the training length is cut: a prelude caps
`keras.Model.fit` at one epoch of two steps. The blocks run in README order, so a later
block may use what an earlier one wrote.
"""

import os
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from trainers import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")

# Cuts training short and nothing else: the block itself runs unchanged.
PRELUDE = """\
import keras as _keras

_fit = _keras.Model.fit


def _short_fit(self, *args, **kwargs):
    kwargs["epochs"] = 1
    kwargs["steps_per_epoch"] = 2
    return _fit(self, *args, **kwargs)


_keras.Model.fit = _short_fit
"""


def readme_blocks(language, text=None):
    """`(first line number, code)` of every fenced block of `language` in the README."""
    text = open(README, encoding="utf-8").read() if text is None else text
    blocks, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        opening = re.match(r"^(\s*)```(\w*)\s*$", lines[i])
        if not opening:
            i += 1
            continue
        indent, lang = opening.groups()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not re.match(rf"^{indent}```\s*$", lines[i]):
            body.append(lines[i][len(indent):])
            i += 1
        if lang == language:
            blocks.append((start + 1, "\n".join(body) + "\n"))
        i += 1
    return blocks


def test_readme_blocks_parser_finds_fences_and_languages():
    text = "a\n```python\nx = 1\n```\n  ```bash\n  ls\n  ```\n```\nplain\n```\n```python\ny = 2\n```\n"
    assert readme_blocks("python", text) == [(3, "x = 1\n"), (12, "y = 2\n")]
    assert readme_blocks("bash", text) == [(6, "ls\n")]


def _environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def _run(argv, cwd, timeout=600):
    result = subprocess.run(argv, cwd=cwd, env=_environment(), capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A directory holding what the README's commands make: a trained run and its export."""
    cwd = tmp_path_factory.mktemp("readme")
    keras_gan = [sys.executable, "-m", "trainers.cli"]
    # The quick start's `keras-gan train`, cut to 2 steps on a narrow network.
    _run(keras_gan + ["train", "--steps", "2", "--base-filters", "8", "--num-samples", "4",
                      "--verbose", "0"], cwd)
    # The README's own `keras-gan export` command, as printed.
    export_argv = next(argv for _, argv in _keras_gan_commands() if argv[0] == "export")
    _run(keras_gan + export_argv, cwd)
    # The user's own image folder of the README's image_dataset_from_directory example.
    rng = np.random.default_rng(0)
    os.makedirs(cwd / "photos" / "mine")
    for i in range(128):
        Image.fromarray(rng.integers(0, 256, (40, 40), dtype=np.uint8)).save(cwd / "photos" / "mine" / f"{i}.png")
    return cwd


PYTHON_BLOCKS = readme_blocks("python")


def test_the_readme_has_python_examples():
    assert len(PYTHON_BLOCKS) >= 1


@pytest.mark.slow
@pytest.mark.parametrize("line, code", PYTHON_BLOCKS, ids=[f"README.md:{line}" for line, _ in PYTHON_BLOCKS])
def test_python_block_runs_as_printed(workspace, line, code):
    script = workspace / f"readme_block_{line}.py"
    script.write_text(PRELUDE + "\n" + code, encoding="utf-8")
    _run([sys.executable, str(script)], workspace)


_ENVIRONMENT_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _keras_gan_commands(text=None):
    """Every `keras-gan ...` command of the README's bash blocks, with its line number."""
    text = open(README, encoding="utf-8").read() if text is None else text
    commands = []
    for start, code in readme_blocks("bash", text):
        joined = code.replace("\\\n", " ")
        for offset, command_line in enumerate(joined.splitlines()):
            for part in re.split(r"&&|;|\|", command_line.split(" #")[0]):
                words = shlex.split(part)
                while words and _ENVIRONMENT_ASSIGNMENT.match(words[0]):
                    words = words[1:]  # `TF_NUM_INTRAOP_THREADS=1 keras-gan train ...`
                if words and words[0] == "keras-gan":
                    commands.append((start + offset, words[1:]))
    # And the ones quoted in the prose (`keras-gan sample --run-dir DIR ...`).
    for match in re.finditer(r"`(keras-gan [^`]+)`", text):
        line = text.count("\n", 0, match.start()) + 1
        commands.append((line, shlex.split(match.group(1).replace("\n", " "))[1:]))
    return commands


COMMANDS = _keras_gan_commands()


def test_commands_behind_environment_variables_are_found():
    text = "```bash\nTF_NUM_INTRAOP_THREADS=1 OMP_NUM_THREADS=1 keras-gan train --epochs 2\nFOO=1 ls\n```\n"
    assert _keras_gan_commands(text) == [(2, ["train", "--epochs", "2"])]


def test_every_readme_keras_gan_command_parses():
    assert len(COMMANDS) >= 3
    for line, argv in COMMANDS:
        command = next((a for a in argv if a in cli.SUBCOMMANDS), None)
        assert command is not None, f"README.md:{line}: unknown keras-gan command {argv}"
        if argv == [command]:
            continue  # the program named in prose ("`keras-gan export` prints the table")
        try:
            cli.build_parser(only=command).parse_args(argv)
        except SystemExit as exit_:
            pytest.fail(f"README.md:{line}: `keras-gan {' '.join(argv)}` does not parse ({exit_})")
