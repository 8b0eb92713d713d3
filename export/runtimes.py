"""The runtimes an export is checked in, each loading the files the way a deployment does.

- `ServingSession`: a SavedModel loaded as TF Serving loads it: a TF1 graph session,
  tag `serve`, then the signature's tensors run by name (no Keras, no Python objects).
- `OnnxRuntimeSession`: ONNX Runtime (CPU).
- `OnnxReferenceSession`: `onnx.reference.ReferenceEvaluator`, onnx's pure-NumPy
  implementation of the spec: a second runtime, independent of ONNX Runtime.
- `OpenVinoSession`: the ONNX file in OpenVINO (CPU plugin), read directly by its ONNX
  frontend; optional (`pip install openvino`).
- `LiteRtSession`: the `.tflite` file in the LiteRT interpreter (`ai-edge-litert`, or
  TensorFlow's own `tf.lite.Interpreter` when that is not installed).

Every session's `run(inputs)` takes `{input name: array}` and returns
`{output name: array}`.
"""

import warnings

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


class OpenVinoSession:
    """An ONNX model in OpenVINO on the CPU.

    OpenVINO's CPU plugin picks its inference precision from the hardware: on CPUs with
    AVX512_BF16 or AMX it runs float32 models in bfloat16 unless told otherwise (a DCGAN
    generator then differs from Keras by ~1e-2). Parity needs
    `{"INFERENCE_PRECISION_HINT": "f32"}`, the default here.

    Args:
        path: str. `.onnx` file (or OpenVINO IR `.xml`).
        precision: str or None. `INFERENCE_PRECISION_HINT` ("f32", "bf16", "f16"); None
            leaves the plugin's hardware default. Defaults to "f32".
    """

    def __init__(self, path, precision="f32"):
        import openvino

        core = openvino.Core()
        config = {} if precision is None else {"INFERENCE_PRECISION_HINT": precision}
        self._compiled = core.compile_model(core.read_model(path), "CPU", config)
        self._output_names = [o.get_any_name() for o in self._compiled.outputs]

    @property
    def precision(self):
        """The precision the compiled model runs in, e.g. "f32" or "bf16"."""
        return self._compiled.get_property("INFERENCE_PRECISION_HINT").to_string()

    def run(self, inputs):
        results = self._compiled(inputs)
        return {
            name: np.asarray(results[output])
            for name, output in zip(self._output_names, self._compiled.outputs)
        }


def litert_interpreter_class():
    """`(Interpreter class, package name)`: `ai_edge_litert`'s, else `tf.lite`'s.

    `ai-edge-litert` is the LiteRT interpreter that devices and TF-free Python use;
    `tf.lite.Interpreter` (deprecated, but still in TensorFlow 2.21) has the same
    builtin kernels and is always there beside the converter.
    """
    try:
        from ai_edge_litert.interpreter import Interpreter

        return Interpreter, "ai-edge-litert"
    except ImportError:
        return tf.lite.Interpreter, "tf.lite"


class LiteRtSession:
    """A `.tflite` model's `serving_default` signature in the LiteRT interpreter (CPU).

    Args:
        path: str. `.tflite` file.
    """

    def __init__(self, path):
        interpreter_class, self.interpreter = litert_interpreter_class()
        with warnings.catch_warnings():
            # tf.lite.Interpreter warns of its deletion on every construction.
            warnings.simplefilter("ignore", UserWarning)
            self._interpreter = interpreter_class(model_path=path)
        signatures = self._interpreter.get_signature_list()
        if "serving_default" not in signatures:
            raise ValueError(
                f"The LiteRT model at {path!r} has no 'serving_default' signature; it has "
                f"{sorted(signatures)}. Export it with keras-gan (`--formats litert`)."
            )
        self._runner = self._interpreter.get_signature_runner("serving_default")

    def run(self, inputs):
        # The signature runner resizes its inputs to each batch (the batch is dynamic).
        return {name: np.asarray(value) for name, value in self._runner(**inputs).items()}
