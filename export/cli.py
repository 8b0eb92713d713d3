"""`keras-gan export`: a trained generator to a SavedModel (TF Serving), ONNX and LiteRT, verified.

    keras-gan export --run-dir runs/cgan --output exports [--formats saved_model,onnx,litert]
                     [--name NAME] [--version N] [--ema | --no-ema] [--overwrite]
    keras-gan export --generator gen.keras --output exports --latent-dim 64
    keras-gan export --run-dir runs/cgan --output exports --version 3 --verify-only

Exit codes: 0 success, 1 verification failed, 2 bad input.
"""

import argparse
import json
import os
import sys

from export import _api, _onnx


def _formats(text):
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in _api.FORMATS]
    if not formats or bad:
        raise argparse.ArgumentTypeError(
            f"--formats must be a comma-separated subset of {','.join(_api.FORMATS)}. Received: {text!r}"
            + (" (a .tflite file is the format 'litert')" if "tflite" in bad else "")
        )
    return formats


def add_arguments(parser):
    """Adds the `export` subcommand's flags to `parser`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run-dir", help="Run directory written by `keras-gan train` "
                        "(generator.keras, model.json, optional ema_generator.keras), or a .keras file.")
    source.add_argument("--generator", help="A .keras generator file (facts from a model.json "
                        "beside it, or --latent-dim/--num-classes).")
    parser.add_argument("--output", required=True, help="Base folder; writes OUTPUT/NAME/VERSION/.")
    parser.add_argument("--formats", type=_formats, default=_api.DEFAULT_FORMATS,
                        help=f"Comma-separated subset of {','.join(_api.FORMATS)} "
                        f"(default: {','.join(_api.DEFAULT_FORMATS)}).")
    parser.add_argument("--name", default=None, help="Model name (TF Serving MODEL_NAME). "
                        "Default: the variant.")
    parser.add_argument("--version", type=int, default=None,
                        help="Integer version folder. Default: highest existing + 1.")
    parser.add_argument("--ema", action=argparse.BooleanOptionalAction, default=None,
                        help="Export the EMA weights (default: when the run has them).")
    parser.add_argument("--overwrite", action="store_true", help="Replace an existing version folder.")
    parser.add_argument("--opset", type=int, default=_onnx.DEFAULT_OPSET,
                        help=f"ONNX opset, {_onnx.MIN_OPSET}..{_onnx.MAX_OPSET} (default {_onnx.DEFAULT_OPSET}).")
    parser.add_argument("--truncation", action="store_true",
                        help="Give the `generate` signature a `truncation` input.")
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=True,
                        help="Check the export against Keras before publishing it (default on).")
    parser.add_argument("--verify-only", action="store_true",
                        help="Only verify the existing OUTPUT/NAME/VERSION against the run.")
    parser.add_argument("--reference", action=argparse.BooleanOptionalAction, default=False,
                        help="Also verify in onnx's reference evaluator (slow for big models).")
    parser.add_argument("--atol", type=float, default=_api.DEFAULT_ATOL,
                        help="Verification tolerance on max |diff| (default 1e-4).")
    parser.add_argument("--latent-dim", type=int, default=None, help="Facts override: z width.")
    parser.add_argument("--num-classes", type=int, default=None, help="Facts override: classes.")
    parser.add_argument("--variant", default=None, help="Facts override: variant name.")
    parser.add_argument("--json", action="store_true", help="Print the result as JSON.")


def run(args):
    """Runs `keras-gan export`; returns the exit code."""
    source = args.run_dir or args.generator
    facts = {"latent_dim": args.latent_dim, "num_classes": args.num_classes, "variant": args.variant}
    try:
        if args.verify_only:
            generator = _api.resolve(source, ema=args.ema, **facts)
            if args.version is None:
                raise ValueError("--verify-only needs --version N (the export to check).")
            path = os.path.join(args.output, args.name or generator.facts.variant, str(args.version))
            report = _api.verify(generator, path, reference=args.reference, atol=args.atol,
                                 raise_on_failure=False)
            result = {"path": path, "verification": report.to_dict()}
        else:
            exported = _api.export(
                source, args.output, name=args.name, version=args.version, formats=args.formats,
                ema=args.ema, opset=args.opset, truncation=args.truncation,
                overwrite=args.overwrite, verify=args.verify, reference=args.reference,
                atol=args.atol, **facts,
            )
            report = exported.verification
            result = {
                "path": exported.path,
                "name": exported.name,
                "version": exported.version,
                "saved_model": exported.saved_model,
                "onnx": exported.onnx,
                "litert": exported.litert,
                "facts": exported.facts.to_dict(),
                "verification": report.to_dict() if report else None,
            }
    except _api.VerificationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError, FileExistsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"export: {result['path']}")
        if report is not None:
            print(report.format_table())
    if report is not None and not report.passed:
        print(f"error: verification failed (atol={args.atol})", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    """Standalone entry point (`python -m export.cli`)."""
    parser = argparse.ArgumentParser(prog="keras-gan export", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
