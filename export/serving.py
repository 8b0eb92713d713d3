"""TF Serving's REST predict API, answered locally from a SavedModel.

`POST /v1/models/NAME[/versions/N]:predict` takes a JSON body in one of two formats:

- row ("instances"): `{"signature_name": "serving_default", "instances": [{"z": [...],
  "label": 3}, ...]}`; each instance is one row of every input (or a bare value when the
  signature has one input). Answered with `{"predictions": [{"images": ..., ...}, ...]}`
  (bare values when the signature has one output).
- columnar ("inputs"): `{"signature_name": "generate", "inputs": {"seed": 7,
  "num_images": 4}}`; each input whole (or a bare value for a single input). Answered
  with `{"outputs": {"images": ..., ...}}`. Use it for `generate`, whose inputs are scalars.

`RestPredictor` turns such a body into a run of the signature's tensors in a
`ServingSession` (the way TF Serving runs a SavedModel) and builds the response body, so the
exact JSON a client sends is tested without the server. Errors are raised as `ServingError`
carrying the `{"error": ...}` body TF Serving answers with (HTTP 400).
"""

import json

import numpy as np
import tensorflow as tf

from export.runtimes import ServingSession

DEFAULT_SIGNATURE = "serving_default"


class ServingError(ValueError):
    """A request TF Serving would answer with HTTP 400 and `{"error": message}`."""

    status = 400

    def body(self):
        return {"error": str(self)}


def _clean_message(message):
    # "Graph execution error:\n\nassertion failed: [...]\n\t [[{{node ...}}]]" -> the middle.
    message = message.replace("Graph execution error:", "").split("[[{{node")[0]
    return " ".join(message.split())


def _to_json_value(array):
    array = np.asarray(array)
    if array.dtype.kind == "f":
        return array.astype(np.float64).tolist()
    return array.tolist()


class RestPredictor:
    """Answers TF-Serving REST predict bodies from a SavedModel directory.

    Args:
        path: str. The SavedModel (version) directory.
    """

    def __init__(self, path):
        self.session = ServingSession(path)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _check_shapes(self, name, inputs):
        """Inputs against the signature's declared shapes (e.g. z `[-1, latent_dim]`), with
        a message naming the input, as the graph's own checks word it."""
        for key, info in self.session.signature(name).inputs.items():
            if key not in inputs or info.tensor_shape.unknown_rank:
                continue
            declared = [d.size for d in info.tensor_shape.dim]
            shape = np.shape(inputs[key])
            if len(shape) != len(declared) or any(d not in (-1, s) for d, s in zip(declared, shape)):
                wanted = ", ".join("batch" if i == 0 and d == -1 else ("?" if d == -1 else str(d))
                                   for i, d in enumerate(declared))
                raise ServingError(f"input `{key}` must have shape [{wanted}] (signature "
                                   f"{name!r}); received shape {list(shape)}")

    def predict(self, request):
        """Answers one predict request.

        Args:
            request: str, bytes or dict. The JSON body a client POSTs.

        Returns:
            dict. The JSON body TF Serving answers with.

        Raises:
            ServingError: malformed request or inputs rejected by the model.
        """
        if isinstance(request, (str, bytes)):
            try:
                request = json.loads(request)
            except json.JSONDecodeError as err:
                raise ServingError(f"JSON parse error: {err}") from err
        if not isinstance(request, dict):
            raise ServingError(f"Request body must be a JSON object. Received: {request!r}")
        unknown = set(request) - {"signature_name", "instances", "inputs"}
        if unknown:
            raise ServingError(f"Unknown request keys {sorted(unknown)}")
        if ("instances" in request) == ("inputs" in request):
            raise ServingError(
                "Request must have exactly one of 'instances' (row format) or 'inputs' "
                f"(columnar format). Received keys: {sorted(request)}"
            )
        name = request.get("signature_name", DEFAULT_SIGNATURE)
        try:
            dtypes = self.session.input_dtypes(name)
        except ValueError as err:
            raise ServingError(str(err)) from err
        row_format = "instances" in request
        inputs = self._row_inputs(request["instances"], dtypes) if row_format else self._columnar_inputs(
            request["inputs"], dtypes
        )
        self._check_shapes(name, inputs)
        try:
            outputs = self.session.run(name, inputs)
        except (tf.errors.InvalidArgumentError, ValueError) as err:
            message = err.message if isinstance(err, tf.errors.OpError) else str(err)
            raise ServingError(_clean_message(message)) from err
        if row_format:
            sizes = {k: np.shape(v)[0] if np.ndim(v) else None for k, v in outputs.items()}
            count = next(iter(sizes.values()))
            if len(outputs) == 1:
                (value,) = outputs.values()
                return {"predictions": _to_json_value(value)}
            return {
                "predictions": [
                    {k: _to_json_value(v[i]) for k, v in outputs.items()} for i in range(count)
                ]
            }
        if len(outputs) == 1:
            (value,) = outputs.values()
            return {"outputs": _to_json_value(value)}
        return {"outputs": {k: _to_json_value(v) for k, v in outputs.items()}}

    @staticmethod
    def _convert(name, value, dtype):
        try:
            return np.asarray(value, dtype=dtype)
        except (TypeError, ValueError) as err:
            raise ServingError(
                f"Input {name!r} could not be converted to {np.dtype(dtype).name}: {err}"
            ) from err

    def _row_inputs(self, instances, dtypes):
        if not isinstance(instances, list) or not instances:
            raise ServingError("'instances' must be a non-empty list")
        names = sorted(dtypes)
        if all(isinstance(i, dict) for i in instances):
            for i, instance in enumerate(instances):
                if sorted(instance) != names:
                    raise ServingError(
                        f"instance {i} has inputs {sorted(instance)}; the signature takes {names}"
                    )
            return {
                n: self._convert(n, [instance[n] for instance in instances], dtypes[n]) for n in names
            }
        if len(names) != 1:
            raise ServingError(
                f"The signature takes several inputs {names}: each instance must be a JSON "
                "object naming them"
            )
        return {names[0]: self._convert(names[0], instances, dtypes[names[0]])}

    def _columnar_inputs(self, inputs, dtypes):
        names = sorted(dtypes)
        if not isinstance(inputs, dict):
            if len(names) != 1:
                raise ServingError(
                    f"The signature takes several inputs {names}: 'inputs' must be a JSON object"
                )
            inputs = {names[0]: inputs}
        if sorted(inputs) != names:
            raise ServingError(f"'inputs' has {sorted(inputs)}; the signature takes {names}")
        return {n: self._convert(n, inputs[n], dtypes[n]) for n in names}


def predict(path, request):
    """One-shot `RestPredictor(path).predict(request)`."""
    with RestPredictor(path) as predictor:
        return predictor.predict(request)
