"""The README's Imputation example runs as printed, in a fresh subprocess."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def imputation_example():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text.split("## Imputation", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_readme_imputation_example_runs_and_beats_mean_imputation():
    env = {**os.environ, "PYTHONPATH": ROOT, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", imputation_example()], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)
    line = done.stdout.strip().splitlines()[-1]
    gain, mean = map(float, re.fullmatch(r"GAIN RMSE ([\d.]+) vs mean imputation ([\d.]+)", line).groups())
    assert gain < mean, line
