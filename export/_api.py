"""Public export functions: SavedModel, ONNX, LiteRT, in TF Serving's layout, and verification."""

import dataclasses
import importlib.metadata
import json
import os
import re

import numpy as np
import onnx

from export import _litert, _onnx, _saved_model
from export._atomic import check_target, staged_directory, staged_file
from export._source import GeneratorFacts, ResolvedGenerator, resolve
from export.runtimes import (
    LiteRtSession,
    OnnxReferenceSession,
    OnnxRuntimeSession,
    OpenVinoSession,
    ServingSession,
)

FORMATS = ("saved_model", "onnx", "litert")
DEFAULT_FORMATS = ("saved_model", "onnx")
ONNX_FILE = "model.onnx"
LITERT_FILE = "model.tflite"
FACTS_FILE = "model.json"
README_FILE = "README.md"
DEFAULT_ATOL = 1e-4
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class VerificationError(AssertionError):
    """An exported model does not compute what the Keras generator computes."""

    def __init__(self, report):
        self.report = report
        super().__init__(
            f"Export verification failed: max |exported - keras| above atol={report.atol}.\n"
            + report.format_table()
        )


# The runtimes an export can be checked in, in table order, and the package each one is.
REFERENCE = "keras (reference)"
SAVED_MODEL_RUNTIME = "saved_model (tf serving)"
ONNXRUNTIME = "onnxruntime"
ONNX_REFERENCE = "onnx reference"
OPENVINO = "openvino (cpu, f32)"
LITERT = "litert"
RUNTIMES = (REFERENCE, SAVED_MODEL_RUNTIME, ONNXRUNTIME, ONNX_REFERENCE, OPENVINO, LITERT)
_PACKAGES = {REFERENCE: "keras", SAVED_MODEL_RUNTIME: "tensorflow-cpu", ONNXRUNTIME: "onnxruntime",
             ONNX_REFERENCE: "onnx", OPENVINO: "openvino", LITERT: "ai-edge-litert"}


def _package_version(package):
    candidates = ("tensorflow-cpu", "tensorflow") if package == "tensorflow-cpu" else (package,)
    for candidate in candidates:
        try:
            return f"{candidate} {importlib.metadata.version(candidate)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return package


@dataclasses.dataclass
class VerificationReport:
    """Max absolute difference of each runtime's `images` from the Keras generator's.

    Attributes:
        max_abs_diff: dict of runtime name -> float, over all checked batches (only the
            runtimes that were checked).
        atol: float. Tolerance.
        batch_sizes: tuple of ints checked (dynamic batch).
        not_checked: dict of runtime name -> why it was not checked (format not exported,
            package not installed, turned off).
        versions: dict of runtime name -> "package version" that was run.
    """

    max_abs_diff: dict
    atol: float
    batch_sizes: tuple
    not_checked: dict = dataclasses.field(default_factory=dict)
    versions: dict = dataclasses.field(default_factory=dict)

    @property
    def passed(self):
        return all(diff <= self.atol for diff in self.max_abs_diff.values())

    def format_table(self):
        """Every runtime, in `RUNTIMES` order: the Keras reference, each checked runtime
        with its max |diff| and ok/FAIL, and each unchecked one with the reason."""
        lines = [f"{'runtime':<26}{'max |diff|':>12}  status", "-" * 72]

        def row(runtime, diff, status):
            lines.append(f"{runtime:<26}{diff:>12}  {status}")

        names = [r for r in RUNTIMES if r in self.max_abs_diff or r in self.not_checked]
        names += [r for r in (*self.max_abs_diff, *self.not_checked) if r not in names]
        row(REFERENCE, "-", f"reference ({self.versions.get(REFERENCE, 'keras')})")
        for runtime in names:
            if runtime in self.max_abs_diff:
                diff = self.max_abs_diff[runtime]
                status = "ok" if diff <= self.atol else "FAIL"
                version = self.versions.get(runtime)
                row(runtime, f"{diff:.3e}", f"{status} ({version})" if version else status)
            elif runtime != REFERENCE:
                row(runtime, "-", f"not checked: {self.not_checked[runtime]}")
        return "\n".join(lines)

    def to_dict(self):
        return {
            "max_abs_diff": dict(self.max_abs_diff),
            "atol": self.atol,
            "batch_sizes": list(self.batch_sizes),
            "passed": self.passed,
            "not_checked": dict(self.not_checked),
            "versions": dict(self.versions),
        }


@dataclasses.dataclass
class ExportResult:
    """What `export` wrote.

    Attributes:
        path: str. The version folder `OUT/<name>/<version>`.
        name: str. Model name (TF Serving's `model_name`).
        version: int.
        saved_model: str or None. SavedModel directory (== path) if written.
        onnx: str or None. ONNX file path if written.
        facts: GeneratorFacts.
        verification: VerificationReport or None.
        litert: str or None. LiteRT (`.tflite`) file path if written.
    """

    path: str
    name: str
    version: int
    saved_model: str | None
    onnx: str | None
    facts: GeneratorFacts
    verification: VerificationReport | None
    litert: str | None = None


def _resolve(gan_or_generator, ema, facts):
    if isinstance(gan_or_generator, ResolvedGenerator):
        return gan_or_generator
    return resolve(gan_or_generator, ema=ema, **facts)


def to_saved_model(
    gan_or_generator,
    path,
    *,
    ema=None,
    truncation=False,
    overwrite=False,
    verify=True,
    atol=DEFAULT_ATOL,
    **facts,
):
    """Exports a generator as a SavedModel with TF Serving signatures.

    Signatures: `serving_default` (`z`, and `label` when conditional -> `images`,
    `images_uint8`) and `generate` (`seed`, `num_images`, [`label`], [`truncation`] ->
    `images`, `images_uint8`, `z`); see `export/_saved_model.py`. The facts are written
    to `assets/model.json`. `path` appears complete or not at all.

    Args:
        gan_or_generator: a keras_gan GAN, a generator `keras.Model`, a `.keras` file or a
            run directory.
        path: str. The SavedModel directory, e.g. `exports/gan/1` for TF Serving.
        ema: bool or None. Export EMA weights; None uses them when present. Defaults to None.
        truncation: bool. Add a `truncation` input to `generate`. Defaults to False.
        overwrite: bool. Replace an existing `path`. Defaults to False.
        verify: bool. Check the SavedModel against Keras before publishing it.
            Defaults to True.
        atol: float. Verification tolerance. Defaults to 1e-4.
        **facts: `latent_dim`, `num_classes`, `image_shape`, `value_range`, `variant`,
            `step` for generators whose facts cannot be read or inferred.

    Returns:
        str. `path`.
    """
    generator = _resolve(gan_or_generator, ema, facts)
    with staged_directory(path, overwrite=overwrite, argument="path") as staging:
        _saved_model.write_saved_model(generator, staging, truncation=truncation)
        if verify:
            _raise_if_failed(verify_export(generator, saved_model=staging, atol=atol))
    return path


def to_onnx(
    gan_or_generator,
    path,
    *,
    ema=None,
    opset=_onnx.DEFAULT_OPSET,
    overwrite=False,
    verify=True,
    reference=False,
    atol=DEFAULT_ATOL,
    **facts,
):
    """Exports a generator to an ONNX file.

    Inputs `z` float32 `[batch, latent_dim]` and (conditional) `label` int32 `[batch]`;
    outputs `images` float32 `[batch, H, W, C]` in the value range and `images_uint8`;
    dynamic batch; the facts as `metadata_props` (`keras_gan.*`). Passes
    `onnx.checker.check_model(full_check=True)`.

    Args:
        gan_or_generator: as in `to_saved_model`.
        path: str. Output `.onnx` file.
        ema: bool or None. Defaults to None (EMA when present).
        opset: int. 13..18. Defaults to 17.
        overwrite: bool. Replace an existing file. Defaults to False.
        verify: bool. Check in ONNX Runtime (and OpenVINO when installed) before
            publishing. Defaults to True.
        reference: bool. Also check in onnx's reference evaluator. Defaults to False.
        atol: float. Defaults to 1e-4.
        **facts: as in `to_saved_model`.

    Returns:
        str. `path`.
    """
    generator = _resolve(gan_or_generator, ema, facts)
    check_target(path, overwrite, "path")
    model = _onnx.convert(generator, opset=opset)
    with staged_file(path, overwrite=overwrite, argument="path") as staging:
        onnx.save(model, staging)
        if verify:
            _raise_if_failed(
                verify_export(generator, onnx_model=staging, reference=reference, atol=atol)
            )
    return path


def to_litert(
    gan_or_generator,
    path,
    *,
    ema=None,
    overwrite=False,
    verify=True,
    atol=DEFAULT_ATOL,
    **facts,
):
    """Exports a generator to a LiteRT (TensorFlow Lite) `.tflite` file, for devices.

    Signature `serving_default`: inputs `z` float32 `[batch, latent_dim]` and
    (conditional) `label` int32 `[batch]`; outputs `images` float32 `[batch, H, W, C]` and
    `images_uint8`; dynamic batch; float32, TFLite builtin ops only (see
    `export/_litert.py`).

    Args:
        gan_or_generator: as in `to_saved_model`.
        path: str. Output `.tflite` file.
        ema: bool or None. Defaults to None (EMA when present).
        overwrite: bool. Replace an existing file. Defaults to False.
        verify: bool. Check in the LiteRT interpreter before publishing. Defaults to True.
        atol: float. Defaults to 1e-4.
        **facts: as in `to_saved_model`.

    Returns:
        str. `path`.
    """
    if not str(path).endswith(".tflite"):
        raise ValueError(f"`path` must end with '.tflite'. Received: path={path!r}")
    generator = _resolve(gan_or_generator, ema, facts)
    check_target(path, overwrite, "path")
    flatbuffer = _litert.convert(generator)
    with staged_file(path, overwrite=overwrite, argument="path") as staging:
        with open(staging, "wb") as f:
            f.write(flatbuffer)
        if verify:
            _raise_if_failed(verify_export(generator, litert_model=staging, atol=atol))
    return path


def _next_version(base):
    versions = [int(d) for d in os.listdir(base) if d.isdigit()] if os.path.isdir(base) else []
    return max(versions, default=0) + 1


def export(
    gan_or_generator,
    output,
    *,
    name=None,
    version=None,
    formats=DEFAULT_FORMATS,
    ema=None,
    opset=_onnx.DEFAULT_OPSET,
    truncation=False,
    overwrite=False,
    verify=True,
    reference=False,
    atol=DEFAULT_ATOL,
    **facts,
):
    """Exports to TF Serving's layout: `output/<name>/<version>/`.

    The version folder holds the SavedModel (`saved_model.pb`, `variables/`,
    `assets/model.json`), `model.onnx`, `model.tflite` (with "litert" in `formats`),
    `model.json` (the facts) and a `README.md`. It is built in a hidden temporary folder,
    verified, then renamed into place: a failed export leaves nothing behind.

    Args:
        gan_or_generator: as in `to_saved_model`.
        output: str. Base folder (TF Serving's `--model_base_path` is `output/<name>`).
        name: str or None. Model name; defaults to the variant name.
        version: int or None. Defaults to one more than the highest existing version.
        formats: iterable of "saved_model", "onnx", "litert". Defaults to
            ("saved_model", "onnx"): LiteRT is opt-in, its conversion is the slowest step
            (+11-23% on a DCGAN export; 1.3x the whole default export for StyleGAN2) and
            fails on generators with ops that TFLite has no builtin kernel for.
        ema, opset, truncation, overwrite, verify, reference, atol, **facts: as in
            `to_saved_model` / `to_onnx`.

    Returns:
        ExportResult.
    """
    formats = tuple(formats)
    if not formats or any(f not in FORMATS for f in formats):
        raise ValueError(f"`formats` must be a non-empty subset of {FORMATS}. Received: formats={formats}")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise ValueError(
            f"`version` must be a positive integer (TF Serving ignores other folder names). "
            f"Received: version={version!r}"
        )
    generator = _resolve(gan_or_generator, ema, facts)
    name = name or generator.facts.variant
    if not _NAME_PATTERN.match(name):
        raise ValueError(
            f"`name` must be letters, digits, '_', '-' or '.' (it appears in REST URLs). Received: name={name!r}"
        )
    base = os.path.join(output, name)
    version = version or _next_version(base)
    path = os.path.join(base, str(version))
    check_target(path, overwrite, "version folder")
    onnx_model = _onnx.convert(generator, opset=opset) if "onnx" in formats else None
    litert_model = _litert.convert(generator) if "litert" in formats else None
    with staged_directory(path, overwrite=overwrite, argument="version folder") as staging:
        if "saved_model" in formats:
            _saved_model.write_saved_model(generator, staging, truncation=truncation)
        if onnx_model is not None:
            onnx.save(onnx_model, os.path.join(staging, ONNX_FILE))
        if litert_model is not None:
            with open(os.path.join(staging, LITERT_FILE), "wb") as f:
                f.write(litert_model)
        with open(os.path.join(staging, FACTS_FILE), "w", encoding="utf-8") as f:
            json.dump(generator.facts.to_dict(), f, indent=2)
        report = None
        if verify:
            report = verify_export(
                generator,
                saved_model=staging if "saved_model" in formats else None,
                onnx_model=os.path.join(staging, ONNX_FILE) if onnx_model is not None else None,
                litert_model=os.path.join(staging, LITERT_FILE) if litert_model is not None else None,
                reference=reference,
                atol=atol,
            )
            _raise_if_failed(report)
        with open(os.path.join(staging, README_FILE), "w", encoding="utf-8") as f:
            f.write(export_readme(name, version, generator.facts, formats, truncation, report))
    return ExportResult(
        path=path,
        name=name,
        version=version,
        saved_model=path if "saved_model" in formats else None,
        onnx=os.path.join(path, ONNX_FILE) if onnx_model is not None else None,
        facts=generator.facts,
        verification=report,
        litert=os.path.join(path, LITERT_FILE) if litert_model is not None else None,
    )


def _raise_if_failed(report):
    if not report.passed:
        raise VerificationError(report)


def verify_export(generator, saved_model=None, onnx_model=None, litert_model=None,
                  reference=False, atol=DEFAULT_ATOL, batch_sizes=(1, 5), seed=0):
    """Feeds the same noise and labels to Keras and to each runtime; reports max |diff|.

    Runtimes: the SavedModel in a TF1 session (as TF Serving), the ONNX file in ONNX
    Runtime, onnx's reference evaluator (when `reference`) and OpenVINO (when installed),
    the LiteRT file in the LiteRT interpreter. Each one that cannot be run is in the
    report's `not_checked` with the reason.
    """
    runtimes, not_checked, closers = {}, {}, []
    if saved_model is not None:
        serving = ServingSession(saved_model)
        closers.append(serving.close)
        runtimes[SAVED_MODEL_RUNTIME] = lambda feeds: serving.run("serving_default", feeds)
    else:
        not_checked[SAVED_MODEL_RUNTIME] = "no SavedModel in this export (formats)"
    if onnx_model is not None:
        runtimes[ONNXRUNTIME] = OnnxRuntimeSession(onnx_model).run
        if reference:
            runtimes[ONNX_REFERENCE] = OnnxReferenceSession(onnx_model).run
        else:
            not_checked[ONNX_REFERENCE] = (
                "off (pure NumPy, slow on big generators); turn on with reference=True / --reference"
            )
        try:
            runtimes[OPENVINO] = OpenVinoSession(onnx_model, precision="f32").run
        except ImportError:
            not_checked[OPENVINO] = "openvino is not installed (pip install openvino, or the [openvino] extra)"
        except RuntimeError as err:  # OpenVINO could not read or compile the ONNX file
            not_checked[OPENVINO] = f"OpenVINO could not compile the model: {str(err).splitlines()[0]}"
    else:
        for name in (ONNXRUNTIME, ONNX_REFERENCE, OPENVINO):
            not_checked[name] = "no ONNX file in this export (formats)"
    litert_package = None
    if litert_model is not None:
        session = LiteRtSession(litert_model)
        litert_package = session.interpreter
        runtimes[LITERT] = session.run
    else:
        not_checked[LITERT] = "no LiteRT file in this export (add litert to formats)"
    if not runtimes:
        raise ValueError(
            "Nothing to verify: pass `saved_model`, `onnx_model` and/or `litert_model`."
        )
    diffs = {name: 0.0 for name in runtimes}
    try:
        for i, batch_size in enumerate(batch_sizes):
            z, label = generator.sample_inputs(batch_size, seed=seed + i)
            expected = np.asarray(generator(z, label))
            feeds = {"z": z} if label is None else {"z": z, "label": label}
            for name, run in runtimes.items():
                images = run(feeds)["images"]
                if images.shape != expected.shape:
                    diffs[name] = float("inf")
                    continue
                diffs[name] = max(diffs[name], float(np.max(np.abs(images - expected))))
    finally:
        for close in closers:
            close()
    versions = {name: _package_version(_PACKAGES[name]) for name in (REFERENCE, *runtimes)}
    if litert_package == "tf.lite":  # ai-edge-litert not installed: TensorFlow's interpreter
        versions[LITERT] = f"{_package_version('tensorflow-cpu')} tf.lite.Interpreter"
    return VerificationReport(max_abs_diff=diffs, atol=atol, batch_sizes=tuple(batch_sizes),
                              not_checked=not_checked, versions=versions)


def verify(gan_or_generator, export_path, *, ema=None, reference=True, atol=DEFAULT_ATOL,
           batch_sizes=(1, 5), seed=0, raise_on_failure=True, **facts):
    """Checks an export against the Keras generator it came from.

    Feeds the same noise z ~ N(0, I) and labels to the Keras generator, to the SavedModel
    (TF Serving style), to the ONNX model (ONNX Runtime, OpenVINO when installed and,
    when `reference`, onnx's reference evaluator) and to the LiteRT model, and reports
    `max |images_runtime - images_keras|`; runtimes that could not be run are listed in
    the report's `not_checked` with the reason.

    Args:
        gan_or_generator: as in `to_saved_model` (the same weights that were exported).
        export_path: str. A version folder written by `export`, a SavedModel directory, an
            `.onnx` or a `.tflite` file.
        ema: bool or None. Defaults to None.
        reference: bool. Include onnx's reference evaluator. Defaults to True.
        atol: float. Defaults to 1e-4.
        batch_sizes: tuple of ints. Batches checked (more than one proves a dynamic batch).
            Defaults to (1, 5).
        seed: int. Noise seed. Defaults to 0.
        raise_on_failure: bool. Raise `VerificationError` above `atol`. Defaults to True.
        **facts: as in `to_saved_model`.

    Returns:
        VerificationReport.
    """
    if not os.path.exists(export_path):
        raise FileNotFoundError(f"`export_path` does not exist. Received: export_path={export_path!r}")
    saved_model = onnx_model = litert_model = None
    if os.path.isdir(export_path):
        if os.path.isfile(os.path.join(export_path, "saved_model.pb")):
            saved_model = export_path
        if os.path.isfile(os.path.join(export_path, ONNX_FILE)):
            onnx_model = os.path.join(export_path, ONNX_FILE)
        if os.path.isfile(os.path.join(export_path, LITERT_FILE)):
            litert_model = os.path.join(export_path, LITERT_FILE)
    elif export_path.endswith(".onnx"):
        onnx_model = export_path
    elif export_path.endswith(".tflite"):
        litert_model = export_path
    if saved_model is None and onnx_model is None and litert_model is None:
        raise ValueError(
            "`export_path` must be a version folder written by export, a SavedModel "
            f"directory, an .onnx or a .tflite file. Received: export_path={export_path!r}"
        )
    generator = _resolve(gan_or_generator, ema, facts)
    report = verify_export(generator, saved_model, onnx_model, litert_model,
                           reference=reference, atol=atol, batch_sizes=batch_sizes, seed=seed)
    if raise_on_failure:
        _raise_if_failed(report)
    return report


_FORMAT_TARGETS = {"saved_model": "TF Serving (SavedModel)",
                   "onnx": "ONNX runtimes (model.onnx)", "litert": "LiteRT (model.tflite)"}


def export_readme(name, version, facts, formats, truncation, report):
    """The README.md written into each version folder."""
    f = facts
    z_desc = f"float32 [batch, {f.latent_dim}], z ~ N(0, I)"
    label_line = (
        f"- `label`: int32 [batch], class index in [0, {f.num_classes})\n" if f.conditional else ""
    )
    instance = {"z": [0.0] * min(f.latent_dim, 3)}
    if f.conditional:
        instance["label"] = 0
    gen_inputs = {"seed": 7, "num_images": 4}
    if f.conditional:
        gen_inputs["label"] = [0]
    if truncation:
        gen_inputs["truncation"] = 1.0
    lines = [
        f"# {name}, version {version}",
        "",
        f"A keras-gan generator (variant `{f.variant}`) exported for "
        + ", ".join(_FORMAT_TARGETS[x] for x in FORMATS if x in formats) + ".",
        "",
        "## Model facts (also in `model.json`, the SavedModel asset `assets/model.json` and "
        "the ONNX `metadata_props` `keras_gan.*`)",
        "",
        "```json",
        json.dumps(f.to_dict(), indent=2),
        "```",
        "",
        "## Inputs and outputs",
        "",
        f"- `z`: {z_desc}",
        *([label_line.rstrip("\n")] if label_line else []),
        f"- `images`: float32 [batch, {', '.join(map(str, f.image_shape))}] in "
        f"[{f.value_range[0]}, {f.value_range[1]}]",
        "- `images_uint8`: uint8, the same images mapped to [0, 255]",
        "",
    ]
    if "saved_model" in formats:
        lines += [
            "## TF Serving",
            "",
            "```sh",
            f"docker run --rm -p 8501:8501 -v \"$(pwd)/{name}:/models/{name}\" "
            f"-e MODEL_NAME={name} tensorflow/serving",
            f"curl -X POST localhost:8501/v1/models/{name}:predict -d "
            f"'{json.dumps({'instances': [instance]})}'  # z has {f.latent_dim} numbers",
            f"curl -X POST localhost:8501/v1/models/{name}:predict -d "
            f"'{json.dumps({'signature_name': 'generate', 'inputs': gen_inputs})}'",
            "```",
            "",
            "Signatures: `serving_default` (z"
            + (", label" if f.conditional else "")
            + " -> images, images_uint8) and `generate` (seed, num_images"
            + (", label (1 or num_images labels)" if f.conditional else "")
            + (", truncation" if truncation else "")
            + " -> images, images_uint8, z; deterministic for a seed).",
            "",
        ]
    feeds = "{'z': z" + (", 'label': label}" if f.conditional else "}")
    sample = [
        "import numpy as np",
        f"z = np.random.default_rng(0).standard_normal((4, {f.latent_dim}), dtype=np.float32)",
        *([f"label = np.arange(4, dtype=np.int32) % {f.num_classes}"] if f.conditional else []),
    ]
    if "onnx" in formats:
        lines += [
            "## ONNX (ONNX Runtime, OpenVINO)",
            "",
            f"`{ONNX_FILE}`: inputs `z`" + (", `label`" if f.conditional else "")
            + ", outputs `images`, `images_uint8`, dynamic batch.",
            "",
            "```python",
            *sample,
            "import onnxruntime",
            f"session = onnxruntime.InferenceSession('{ONNX_FILE}', providers=['CPUExecutionProvider'])",
            f"images, images_uint8 = session.run(['images', 'images_uint8'], {feeds})",
            "",
            "import openvino  # f32: on AVX512_BF16/AMX CPUs OpenVINO runs bfloat16 by default",
            f"compiled = openvino.Core().compile_model('{ONNX_FILE}', 'CPU', "
            "{'INFERENCE_PRECISION_HINT': 'f32'})",
            f"images = compiled({feeds})['images']",
            "```",
            "",
        ]
    if "litert" in formats:
        lines += [
            "## LiteRT (TensorFlow Lite)",
            "",
            f"`{LITERT_FILE}`: signature `serving_default`, inputs `z`"
            + (", `label`" if f.conditional else "")
            + ", outputs `images`, `images_uint8`, dynamic batch, float32, builtin ops only.",
            "",
            "```python",
            *sample,
            "from ai_edge_litert.interpreter import Interpreter",
            f"runner = Interpreter(model_path='{LITERT_FILE}').get_signature_runner('serving_default')",
            f"images = runner(**{feeds})['images']",
            "```",
            "",
        ]
    if report is not None:
        lines += [
            f"## Verification (max |exported - keras|, batches {list(report.batch_sizes)})",
            "",
            "```",
            report.format_table(),
            "```",
            "",
        ]
    return "\n".join(line for line in lines if line is not None) + "\n"
