"""`keras-gan impute`: complete a CSV table's missing cells with GAIN.

    keras-gan impute --input data.csv --output imputed.csv [--run-dir RUN] [--num-imputations K]

Trains a GAIN on the table (or reuses the imputer saved in `--run-dir`) and writes the
completed table atomically. The logic is in `keras_gan.imputation` / `keras_gan.data.tables`.
"""

import os
import shutil
import tempfile

from keras_gan.data import tables


def add_arguments(parser):
    parser.add_argument("--input", required=True, help="CSV file with a header row; empty/NA cells are missing.")
    parser.add_argument("--output", required=True, help="Where to write the completed CSV.")
    parser.add_argument("--run-dir", default=None,
                        help="Imputer directory: reused when it holds one, else the trained imputer is saved there.")
    parser.add_argument("--num-imputations", type=int, default=1,
                        help="Imputations averaged per missing cell (multiple imputation). Default 1.")
    parser.add_argument("--categorical", default="",
                        help="Comma-separated column names to one-hot encode (non-numeric columns).")
    parser.add_argument("--preset", default="paper", choices=("paper", "plus", "plus_mice"),
                        help="paper: GAIN as published (default); plus: keras-gan's GAIN (denoising, "
                             "wider G with dropout, one refinement pass); plus_mice: plus averaged with "
                             "MICE (the most accurate where MICE is sound; README, Imputation; "
                             "keras_gan.imputation.PRESETS).")
    parser.add_argument("--steps", type=int, default=10_000, help="Training steps (the paper's 10,000).")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--hint-rate", type=float, default=0.9)
    parser.add_argument("--alpha", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)


def _copy_atomically(source, destination):
    folder = os.path.dirname(os.path.abspath(destination))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, destination)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def run(args):
    from keras_gan.imputation import TableImputer, preset

    categorical = [c for c in args.categorical.split(",") if c]
    if args.num_imputations < 1:
        raise ValueError(f"--num-imputations must be >= 1. Received: {args.num_imputations}")
    imputer = None
    if args.run_dir and TableImputer.exists(args.run_dir):
        imputer = TableImputer.load(args.run_dir)
        # The run knows its categorical columns.
        categorical = list(dict.fromkeys(imputer.categorical + categorical))
    table = tables.read_csv(args.input, categorical=categorical)
    missing = int(table.missing().sum())
    if missing == 0:
        _copy_atomically(args.input, args.output)
        print(f"{args.input} has no missing cell: copied it unchanged to {args.output}.")
        return 0
    if imputer is not None:
        print(f"Reusing the imputer in {args.run_dir} (trained {imputer.trained_steps} steps).")
    else:
        imputer = TableImputer(steps=args.steps, batch_size=args.batch_size, hint_rate=args.hint_rate,
                               alpha=args.alpha, num_imputations=args.num_imputations,
                               categorical=categorical, seed=args.seed, **preset(args.preset)).fit(table)
        if args.run_dir:
            imputer.save(args.run_dir)
            print(f"Saved the imputer to {args.run_dir}.")
    completed = imputer.transform(table, num_imputations=args.num_imputations, seed=args.seed)
    tables.write_csv(completed, args.output, observed_text=completed.text)
    print(f"Imputed {missing} of {table.shape[0] * table.shape[1]} cells; wrote {args.output}.")
    return 0

