"""docs/architecture.md is a map of the tree: every path it names exists, and every variant
the registry knows has a row in its family table."""

import re

from keras_gan import recipes
import pathlib

from tests.helpers import ROOT

ROOT = pathlib.Path(ROOT)
TEXT = (ROOT / "docs" / "architecture.md").read_text()


def test_every_path_the_architecture_page_names_exists():
    paths = set(re.findall(r"`((?:keras_gan|trainers|export|tests|docs|benchmarks)/[\w/.]*)`", TEXT))
    assert len(paths) > 30, sorted(paths)  # the page names the tree, not two files
    missing = sorted(p for p in paths if "NAME" not in p and not (ROOT / p).exists())  # NAME: a placeholder
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_registered_variant_has_a_family_row():
    families = re.findall(r"^\| ([a-z0-9_, ]+) \| `keras_gan/models/", TEXT, flags=re.M)
    listed = {name.strip() for row in families for name in row.split(",")}
    assert set(recipes.REGISTRY) <= listed, sorted(set(recipes.REGISTRY) - listed)
