"""GAIN imputer export: SavedModel (TF Serving's loader) and ONNX Runtime agree with Keras."""

import json

import numpy as np
import pytest

from export import _gain
from keras_gan.data import tables
from keras_gan.imputation import TableImputer
from keras_gan.models.gain import gain


def test_table_imputer_exports_with_normalization_inside(tmp_path):
    rng = np.random.default_rng(0)
    n = 48
    factor = rng.standard_normal(n)
    numeric = np.stack([100 + 10 * factor, -3 * factor], axis=1)
    kinds = np.where(factor > 0, "hi", "lo").astype(object)
    cells = np.concatenate([numeric.astype(object), kinds[:, None]], axis=1)
    holes = rng.uniform(size=cells.shape) < 0.25
    cells[holes] = None
    table = tables.as_table(cells, columns=["a", "b", "k"], categorical=["k"])
    # keras-gan's G (dropout, one refinement pass): the exported graph holds both passes.
    imputer = TableImputer(steps=20, batch_size=16, categorical=["k"], generator_units=(8, 8),
                           generator_dropout=0.2, refinement_steps=1).fit(table)
    reloaded = TableImputer.load(imputer.save(str(tmp_path / "run")))
    assert reloaded.options == imputer.options and reloaded.options["refinement_steps"] == 1
    np.testing.assert_array_equal(reloaded.model.impute(*imputer.encoder.encode(table)),
                                  imputer.model.impute(*imputer.encoder.encode(table)))
    directory = _gain.export_imputer(imputer, str(tmp_path / "export"))
    x, mask = imputer.encoder.encode(table)
    offset, span = imputer.encoder.scale()
    raw = x * span + offset  # raw units; NaN stays NaN in the missing entries
    with pytest.raises(ValueError, match="must be finite everywhere"):
        _gain.verify_imputer(imputer, directory, raw, mask)
    raw = np.where(mask > 0, raw, 0.0)
    diffs = _gain.verify_imputer(imputer, directory, raw, mask, seed=1)
    assert set(diffs) == {"saved_model", "onnx"} and max(diffs.values()) <= 1e-4
    facts = json.loads((tmp_path / "export" / "imputer.json").read_text())
    assert facts["inputs"] == ["x", "mask", "noise"] and facts["offset"][0] == pytest.approx(offset[0])
    # The graph's normalization is the encoder's: its normalized output is the Keras
    # model's imputation of the normalized table with the same noise.
    from export.runtimes import OnnxRuntimeSession

    noise = np.random.default_rng(1).uniform(0, 0.01, size=x.shape).astype("float32")
    session = OnnxRuntimeSession(str(tmp_path / "export" / "model.onnx"))
    names = {i.name.split(":")[0]: i.name for i in session._session.get_inputs()}
    out = session.run({names["x"]: raw.astype("float32"), names["mask"]: mask, names["noise"]: noise})
    normalized = next(v for k, v in out.items() if k.startswith("imputed_normalized"))
    observed = mask > 0
    np.testing.assert_allclose(normalized[observed], x[observed], atol=1e-6)
    # Nothing half-written: a second export to the same folder is refused, the first kept.
    with pytest.raises(FileExistsError, match="already exists"):
        _gain.export_imputer(imputer, directory)
    assert (tmp_path / "export" / "model.onnx").is_file()


def test_image_gain_exports_and_verifies(tmp_path):
    model = gain((4, 4, 1), hidden_units=(8,))
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(5, 4, 4, 1)).astype("float32")
    mask = (rng.uniform(size=images.shape) > 0.5).astype("float32")
    directory = _gain.export_imputer(model, str(tmp_path / "img"))
    diffs = _gain.verify_imputer(model, directory, images, mask)
    assert max(diffs.values()) <= 1e-4
    with pytest.raises(ValueError, match="must be a keras_gan.models.GAIN"):
        _gain.export_imputer(object(), str(tmp_path / "bad"))
