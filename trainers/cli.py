"""The `keras-gan` command: `keras-gan train | export | evaluate | sample ...`.

Each subcommand lives in its own module exposing `add_arguments(parser)` and
`run(args) -> int`; modules are imported only when their subcommand runs.
"""

import argparse
import importlib
import os
import sys

# subcommand -> (module, one-line help)
SUBCOMMANDS = {
    "train": ("trainers.train", "Train a GAN variant and write a run directory."),
    "sample": ("trainers.sample", "Draw samples from a run directory as a PNG grid."),
    "evaluate": ("trainers.evaluate", "Compute FID, KID, IS, precision/recall, Parzen for a run."),
    "export": ("export.cli", "Export a generator to SavedModel (TF Serving) and ONNX."),
    "launch": ("trainers.launch", "Run `train` as N local multi-worker processes (TF_CONFIG)."),
    "impute": ("trainers.impute", "Complete a CSV table's missing cells with GAIN."),
}


def build_parser(only=None):
    parser = argparse.ArgumentParser(prog="keras-gan", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            importlib.import_module(module_name).add_arguments(sub)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Import a subcommand's (heavy) module only when it is asked for.
    command = next((a for a in argv if a in SUBCOMMANDS), None)
    args = build_parser(only=command).parse_args(argv)
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        return module.run(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"keras-gan {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
