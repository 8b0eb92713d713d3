"""The TF-Serving REST helper, fed the exact JSON bodies a client POSTs."""

import json

import numpy as np
import pytest

import export
from tests import helpers_export as h

ATOL = 1e-4


@pytest.fixture(scope="module")
def cgan():
    return h.make_cgan()


@pytest.fixture(scope="module")
def predictor(cgan, tmp_path_factory):
    result = export.export(cgan, str(tmp_path_factory.mktemp("out")), formats=["saved_model"])
    with export.RestPredictor(result.path) as predictor:
        yield predictor


def test_row_format_request_gives_one_prediction_per_instance(cgan, predictor):
    z = h.noise(2, seed=4)
    body = json.dumps({
        "signature_name": "serving_default",
        "instances": [{"z": z[0].tolist(), "label": 2}, {"z": z[1].tolist(), "label": 0}],
    })
    response = predictor.predict(body)
    assert list(response) == ["predictions"] and len(response["predictions"]) == 2
    expected = cgan.generator([z, np.array([2, 0], np.int32)], training=False).numpy()
    for i, prediction in enumerate(response["predictions"]):
        assert sorted(prediction) == ["images", "images_uint8"]
        np.testing.assert_allclose(np.array(prediction["images"]), expected[i], atol=ATOL, rtol=0)
        golden = np.round((expected[i] + 1) * 127.5)
        assert np.max(np.abs(np.array(prediction["images_uint8"]) - golden)) <= 1
    json.dumps(response)  # the answer is plain JSON


def test_columnar_generate_request_is_deterministic(cgan, predictor):
    body = '{"signature_name": "generate", "inputs": {"seed": 7, "num_images": 3, "label": [1]}}'
    first, second = predictor.predict(body), predictor.predict(body)
    assert first == second
    outputs = first["outputs"]
    assert sorted(outputs) == ["images", "images_uint8", "z"]
    z = np.array(outputs["z"], np.float32)
    assert z.shape == (3, h.LATENT_DIM)
    expected = cgan.generator([z, np.ones(3, np.int32)], training=False).numpy()
    np.testing.assert_allclose(np.array(outputs["images"]), expected, atol=ATOL, rtol=0)


def test_columnar_serving_default_request(cgan, predictor):
    z = h.noise(2, seed=8)
    response = predictor.predict({"inputs": {"z": z.tolist(), "label": [1, 1]}})
    expected = cgan.generator([z, np.ones(2, np.int32)], training=False).numpy()
    np.testing.assert_allclose(np.array(response["outputs"]["images"]), expected, atol=ATOL, rtol=0)


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"instances": [{"z": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], "label": 0}]}',
         r"`z` must have shape \[batch, 8\]"),
        ('{"instances": [{"z": [0, 0, 0, 0, 0, 0, 0, 0], "label": 3}]}', r"`label` must be in \[0, 3\)"),
        ('{"instances": [{"z": [0, 0, 0, 0, 0, 0, 0, 0]}]}', r"instance 0 has inputs \['z'\]"),
        ('{"instances": [], "inputs": {}}', "exactly one of 'instances'"),
        ('{"signature_name": "nope", "inputs": {}}', "'nope' is not in the SavedModel"),
        ('{"signature_name": "generate", "inputs": {"seed": 1, "num_images": 0, "label": [0]}}',
         "`num_images` must be a positive integer"),
        ('{"instances": [', "JSON parse error"),
    ],
)
def test_bad_requests_get_tf_serving_style_errors(predictor, body, message):
    with pytest.raises(export.ServingError, match=message) as raised:
        predictor.predict(body)
    assert raised.value.status == 400 and "error" in raised.value.body()
