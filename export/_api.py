"""Public export functions: SavedModel, ONNX, both in TF Serving's layout, and verification."""

import dataclasses
import json
import os
import re

import numpy as np
import onnx

from export import _onnx, _saved_model
from export._atomic import check_target, staged_directory, staged_file
from export._source import GeneratorFacts, ResolvedGenerator, resolve
from export.runtimes import OnnxReferenceSession, OnnxRuntimeSession, ServingSession

FORMATS = ("saved_model", "onnx")
ONNX_FILE = "model.onnx"
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


@dataclasses.dataclass
class VerificationReport:
    """Max absolute difference of each runtime's `images` from the Keras generator's.

    Attributes:
        max_abs_diff: dict of runtime name -> float, over all checked batches.
        atol: float. Tolerance.
        batch_sizes: tuple of ints checked (dynamic batch).
    """

    max_abs_diff: dict
    atol: float
    batch_sizes: tuple

    @property
    def passed(self):
        return all(diff <= self.atol for diff in self.max_abs_diff.values())

    def format_table(self):
        lines = [f"{'runtime':<24}{'max |diff|':>14}  status", "-" * 46]
        for runtime, diff in self.max_abs_diff.items():
            lines.append(f"{runtime:<24}{diff:>14.3e}  {'ok' if diff <= self.atol else 'FAIL'}")
        return "\n".join(lines)

    def to_dict(self):
        return {
            "max_abs_diff": dict(self.max_abs_diff),
            "atol": self.atol,
            "batch_sizes": list(self.batch_sizes),
            "passed": self.passed,
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
    """

    path: str
    name: str
    version: int
    saved_model: str | None
    onnx: str | None
    facts: GeneratorFacts
    verification: VerificationReport | None


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
        verify: bool. Check in ONNX Runtime before publishing. Defaults to True.
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


def _next_version(base):
    versions = [int(d) for d in os.listdir(base) if d.isdigit()] if os.path.isdir(base) else []
    return max(versions, default=0) + 1


def export(
    gan_or_generator,
    output,
    *,
    name=None,
    version=None,
    formats=FORMATS,
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
    `assets/model.json`), `model.onnx`, `model.json` (the facts) and a `README.md`. It is
    built in a hidden temporary folder, verified, then renamed into place: a failed export
    leaves nothing behind.

    Args:
        gan_or_generator: as in `to_saved_model`.
        output: str. Base folder (TF Serving's `--model_base_path` is `output/<name>`).
        name: str or None. Model name; defaults to the variant name.
        version: int or None. Defaults to one more than the highest existing version.
        formats: iterable of "saved_model", "onnx". Defaults to both.
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
    with staged_directory(path, overwrite=overwrite, argument="version folder") as staging:
        if "saved_model" in formats:
            _saved_model.write_saved_model(generator, staging, truncation=truncation)
        if onnx_model is not None:
            onnx.save(onnx_model, os.path.join(staging, ONNX_FILE))
        with open(os.path.join(staging, FACTS_FILE), "w", encoding="utf-8") as f:
            json.dump(generator.facts.to_dict(), f, indent=2)
        report = None
        if verify:
            report = verify_export(
                generator,
                saved_model=staging if "saved_model" in formats else None,
                onnx_model=os.path.join(staging, ONNX_FILE) if onnx_model is not None else None,
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
    )


def _raise_if_failed(report):
    if not report.passed:
        raise VerificationError(report)


def verify_export(generator, saved_model=None, onnx_model=None, reference=False,
                  atol=DEFAULT_ATOL, batch_sizes=(1, 5), seed=0):
    """Feeds the same noise and labels to Keras and to each export; reports max |diff|."""
    runtimes = {}
    if saved_model is not None:
        serving = ServingSession(saved_model)
        runtimes["saved_model (tf serving)"] = lambda feeds: serving.run("serving_default", feeds)
    if onnx_model is not None:
        ort = OnnxRuntimeSession(onnx_model)
        runtimes["onnxruntime"] = ort.run
        if reference:
            runtimes["onnx reference"] = OnnxReferenceSession(onnx_model).run
    if not runtimes:
        raise ValueError("Nothing to verify: pass `saved_model` and/or `onnx_model`.")
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
        if saved_model is not None:
            serving.close()
    return VerificationReport(max_abs_diff=diffs, atol=atol, batch_sizes=tuple(batch_sizes))


def verify(gan_or_generator, export_path, *, ema=None, reference=True, atol=DEFAULT_ATOL,
           batch_sizes=(1, 5), seed=0, raise_on_failure=True, **facts):
    """Checks an export against the Keras generator it came from.

    Feeds the same noise z ~ N(0, I) and labels to the Keras generator, to the SavedModel
    (TF Serving style) and to the ONNX model (ONNX Runtime and, when `reference`, onnx's
    reference evaluator) and reports `max |images_runtime - images_keras|`.

    Args:
        gan_or_generator: as in `to_saved_model` (the same weights that were exported).
        export_path: str. A version folder written by `export`, a SavedModel directory or
            an `.onnx` file.
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
    saved_model = onnx_model = None
    if os.path.isdir(export_path):
        if os.path.isfile(os.path.join(export_path, "saved_model.pb")):
            saved_model = export_path
        if os.path.isfile(os.path.join(export_path, ONNX_FILE)):
            onnx_model = os.path.join(export_path, ONNX_FILE)
    elif export_path.endswith(".onnx"):
        onnx_model = export_path
    if saved_model is None and onnx_model is None:
        raise ValueError(
            "`export_path` must be a version folder written by export, a SavedModel "
            f"directory or an .onnx file. Received: export_path={export_path!r}"
        )
    generator = _resolve(gan_or_generator, ema, facts)
    report = verify_export(generator, saved_model, onnx_model, reference=reference, atol=atol,
                           batch_sizes=batch_sizes, seed=seed)
    if raise_on_failure:
        _raise_if_failed(report)
    return report


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
        f"A keras-gan generator (variant `{f.variant}`) exported for TF Serving and ONNX runtimes.",
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
    if "onnx" in formats:
        lines += [
            "## ONNX",
            "",
            f"`{ONNX_FILE}`: inputs `z`" + (", `label`" if f.conditional else "")
            + ", outputs `images`, `images_uint8`, dynamic batch.",
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
