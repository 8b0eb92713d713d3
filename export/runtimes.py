"""The runtimes an export is checked in, each loading the files the way a deployment does.

- `ServingSession`: a SavedModel loaded as TF Serving loads it: a TF1 graph session,
  tag `serve`, then the signature's tensors run by name (no Keras, no Python objects).
- `OnnxRuntimeSession`: ONNX Runtime (CPU).
- `OnnxReferenceSession`: `onnx.reference.ReferenceEvaluator`, onnx's pure-NumPy
  implementation of the spec: a second runtime, independent of ONNX Runtime.
"""

import numpy as np
import tensorflow as tf

SERVE_TAG = "serve"


class ServingSession:
    """A SavedModel loaded the way TF Serving loads it.

    Args:
        path: str. SavedModel directory (the version folder).

    Example:
    ```python
    with ServingSession("exports/gan/1") as session:
        outputs = session.run("serving_default", {"z": z})
    ```
    """

    def __init__(self, path):
        self.path = path
        self._graph = tf.Graph()
        self._session = tf.compat.v1.Session(graph=self._graph)
        logger = tf.get_logger()
        level = logger.level
        logger.setLevel("ERROR")  # the TF1 loader is "deprecated", yet it is what TF Serving does
        try:
            with self._graph.as_default():
                meta_graph = tf.compat.v1.saved_model.loader.load(self._session, [SERVE_TAG], path)
        finally:
            logger.setLevel(level)
        self.signatures = dict(meta_graph.signature_def)

    def signature(self, name):
        if name not in self.signatures:
            raise ValueError(
                f"`signature_name` {name!r} is not in the SavedModel at {self.path!r}; "
                f"it has {sorted(self.signatures)}."
            )
        return self.signatures[name]

    def input_dtypes(self, name):
        """`{input name: numpy dtype}` of a signature."""
        return {
            key: tf.dtypes.as_dtype(info.dtype).as_numpy_dtype
            for key, info in self.signature(name).inputs.items()
        }

    def run(self, signature_name, inputs):
        """Runs a signature; `inputs` maps every input name to an array.

        Returns:
            dict of output name -> NumPy array.
        """
        signature = self.signature(signature_name)
        expected, received = sorted(signature.inputs), sorted(inputs)
        if expected != received:
            raise ValueError(
                f"Signature {signature_name!r} takes inputs {expected}. Received: {received}"
            )
        feeds = {signature.inputs[k].name: v for k, v in inputs.items()}
        names = sorted(signature.outputs)
        values = self._session.run([signature.outputs[k].name for k in names], feeds)
        return dict(zip(names, values))

    def close(self):
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class OnnxRuntimeSession:
    """An ONNX model in ONNX Runtime (CPU)."""

    def __init__(self, path_or_bytes):
        import onnxruntime

        self._session = onnxruntime.InferenceSession(
            path_or_bytes, providers=["CPUExecutionProvider"]
        )

    def run(self, inputs):
        names = [o.name for o in self._session.get_outputs()]
        return dict(zip(names, self._session.run(names, inputs)))


class OnnxReferenceSession:
    """An ONNX model in `onnx.reference.ReferenceEvaluator` (pure NumPy, slow)."""

    def __init__(self, path_or_model):
        from onnx.reference import ReferenceEvaluator

        self._session = ReferenceEvaluator(path_or_model)

    def run(self, inputs):
        names = list(self._session.output_names)
        return dict(zip(names, (np.asarray(v) for v in self._session.run(names, inputs))))
