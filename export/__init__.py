"""Export layer: generators to a SavedModel for TF Serving, to ONNX and to LiteRT, verified.

The generator alone is exported, in float32, with the noise `z` (and, for conditional
models, `label`) as inputs. Every export is checked against the Keras generator in the
runtimes it targets before it is published.

Example:
```python
import export

result = export.export("runs/gan", "exports")  # exports/gan/1/{saved_model.pb, model.onnx}
export.verify("runs/gan", result.path)
```
"""

from export._api import (
    ExportResult,
    VerificationError,
    VerificationReport,
    export,
    to_litert,
    to_onnx,
    to_saved_model,
    verify,
)
from export._onnx import read_metadata
from export._source import GeneratorFacts, ResolvedGenerator, resolve
from export.serving import RestPredictor, ServingError

__all__ = [
    "ExportResult",
    "GeneratorFacts",
    "ResolvedGenerator",
    "RestPredictor",
    "ServingError",
    "VerificationError",
    "VerificationReport",
    "export",
    "read_metadata",
    "resolve",
    "to_litert",
    "to_onnx",
    "to_saved_model",
    "verify",
]
