"""Imputation benchmark: GAIN beside scikit-learn's imputers on its bundled tables.

Protocol (GAIN's, Yoon et al. 2018, section 5; recorded in the JSON):
- Tables: scikit-learn's bundled breast_cancer (569 x 30, GAIN's "Breast"), wine (178 x 13),
  diabetes (442 x 10), digits (1797 x 64 pixels as columns). No download.
- Missingness: each cell missing completely at random with probability p (20%, 50%, 80%),
  a fresh mask per seed (`numpy.random.default_rng(seed)`).
- Every method sees the same input: the table min-max normalized with the *observed*
  values' per-column min and max, NaN where missing.
- Score: RMSE over the missing cells, both truth and imputation min-max normalized with
  the complete table's min and max (the authors' `rmse_loss`); mean +- standard error
  over seeds.
- Methods: SimpleImputer(mean), KNNImputer(5), IterativeImputer (MICE, BayesianRidge,
  10 rounds), IterativeImputer(ExtraTreesRegressor(10 trees), 10 rounds; a MissForest
  stand-in), and GAIN configurations (`GAIN_METHODS`): "gain" is the paper's (10,000
  steps, batch 128, hint 0.9, alpha 100, Adam 1e-3, widths = number of columns);
  "gain_plus" is keras-gan's (`keras_gan.imputation.PRESETS["plus"]`), "gain_plus_x2" the
  mean of two of them trained with seeds s and s + 1000. A blend "a+b" (e.g.
  "gain_plus+mice", "missforest+mice") is the mean of its parts' imputations.
- Cost: CPU-seconds of each method per seed (`time.process_time`, all threads; set
  TF_NUM_INTRAOP_THREADS=1 OMP_NUM_THREADS=1 to count one core's work, as the README's
  2026-12-03 numbers do).

Usage:
    python benchmarks/imputation.py [--datasets breast_cancer,wine] [--rates 0.2]
        [--seeds 0-9] [--methods mean,knn,mice,missforest,gain,gain_drop]
        [--output benchmarks/results/imputation.json] [--smoke]
Results of several invocations merge into the same JSON (keyed by dataset, rate, method,
seed), so a long run can be split into chunks.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402  (benchmarks/machine.py)

DATASETS = ("breast_cancer", "wine", "diabetes", "digits")
SKLEARN_METHODS = ("mean", "knn", "mice", "missforest")
# keras_gan.imputation.PRESETS["plus"], written out: this module imports no TensorFlow at
# import time (tests/test_benchmarks_imputation.py checks the two agree).
PLUS = {"drop_rate": 0.2, "generator_units": (128, 128), "generator_dropout": 0.2,
        "refinement_steps": 1}
# name -> keyword arguments of keras_gan.imputation.train_gain (plus num_imputations,
# num_models; "steps" overrides --steps).
GAIN_METHODS = {
    "gain": {},  # as published
    "gain_drop": {"drop_rate": 0.2},
    "gain_drop_wide": {"drop_rate": 0.2, "width_factor": 4},
    "gain_dropped": {"drop_rate": 0.2, "reconstruction_target": "dropped"},
    "gain_dropped_wide": {"drop_rate": 0.2, "reconstruction_target": "dropped", "width_factor": 4},
    "gain_drop50": {"drop_rate": 0.5},
    "gain_dropped50": {"drop_rate": 0.5, "reconstruction_target": "dropped"},
    # keras-gan's GAIN, keras_gan.imputation.PRESETS["plus"] (the tries are in the README).
    "gain_plus": PLUS,
    # The same, an ensemble: the mean of 2 GAINs trained with seeds s and s + 1000.
    "gain_plus_x2": {**PLUS, "num_models": 2},
    # Three of them, 7,000 steps each (about the CPU of two at 10,000).
    "gain_plus_x3": {**PLUS, "num_models": 3, "steps": 7000},
}


def load_table(name):
    from sklearn import datasets

    loader = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine,
              "diabetes": datasets.load_diabetes, "digits": datasets.load_digits}[name]
    return loader().data.astype("float64")


def mcar_mask(shape, rate, seed):
    """1 = observed, 0 = missing; each cell missing with probability `rate`."""
    return (np.random.default_rng(seed).uniform(size=shape) >= rate).astype("float32")


def observed_min_max(data, mask):
    observed = np.where(mask > 0, data, np.nan)
    low, high = np.nanmin(observed, axis=0), np.nanmax(observed, axis=0)
    low, high = np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)
    span = np.where(high - low > 0, high - low, 1.0)
    return low, span


def normalized_rmse(truth, imputed, mask):
    """RMSE over missing cells, both scaled by the complete table's per-column min-max."""
    low, high = truth.min(axis=0), truth.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    missing = mask == 0
    diff = ((imputed - truth) / span)[missing]
    return float(np.sqrt(np.mean(diff ** 2)))


def sklearn_imputer(name, seed):
    from sklearn.ensemble import ExtraTreesRegressor
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

    if name == "mean":
        return SimpleImputer(strategy="mean", keep_empty_features=True)
    if name == "knn":
        return KNNImputer(n_neighbors=5, keep_empty_features=True)
    if name == "mice":
        return IterativeImputer(max_iter=10, random_state=seed, keep_empty_features=True)
    if name == "missforest":
        return IterativeImputer(ExtraTreesRegressor(n_estimators=10, random_state=seed),
                                max_iter=10, random_state=seed, keep_empty_features=True)
    raise ValueError(f"Unknown method {name!r}. Expected one of {SKLEARN_METHODS + tuple(GAIN_METHODS)}.")


def blend_parts(method):
    """The parts of a blend "a+b" (the mean of their imputations), or None if not one."""
    if "+" not in method:
        return None
    parts = method.split("+")
    for part in parts:
        if part not in SKLEARN_METHODS and part not in GAIN_METHODS:
            raise ValueError(f"Unknown method {part!r} in blend {method!r}. "
                             f"Expected parts among {SKLEARN_METHODS + tuple(GAIN_METHODS)}.")
    return parts


def impute(method, x, mask, seed, steps):
    """Imputed normalized table (observed cells unchanged).

    A blend "a+b" averages the parts' imputations: an ensemble of two different models,
    whose errors are partly independent (each part measured alone under its own name).
    """
    parts = blend_parts(method)
    if parts is not None:
        return np.mean([impute(part, x, mask, seed, steps) for part in parts], axis=0)
    if method in GAIN_METHODS:
        import keras

        from keras_gan.imputation import train_gain

        options = dict(GAIN_METHODS[method])
        num_imputations = options.pop("num_imputations", 1)
        num_models = options.pop("num_models", 1)
        steps = options.pop("steps", steps)
        width = options.pop("width_factor", None)
        hidden = None if width is None else (width * x.shape[1],) * 2
        results = []
        for k in range(num_models):
            model = train_gain(x, mask, steps=steps, seed=seed + 1000 * k, hidden_units=hidden, **options)
            results.append(model.impute(x, mask, seed=seed, num_imputations=num_imputations))
            keras.backend.clear_session()
        return np.mean(results, axis=0)
    completed = sklearn_imputer(method, seed).fit_transform(np.where(mask > 0, x, np.nan))
    return np.where(mask > 0, x, completed)


def run_one(dataset, rate, method, seed, steps):
    import warnings

    truth = load_table(dataset)
    mask = mcar_mask(truth.shape, rate, seed)
    low, span = observed_min_max(truth, mask)
    x = np.where(mask > 0, (truth - low) / span, np.nan).astype("float32")
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IterativeImputer's ConvergenceWarning at 80%
        completed = impute(method, x, mask, seed, steps)
    cpu = time.process_time() - start
    imputed = np.asarray(completed, "float64") * span + low
    return {"rmse": normalized_rmse(truth, imputed, mask), "cpu_seconds": cpu}


def summarize(results):
    """{dataset: {rate: {method: {mean, se, seeds, cpu_seconds_mean}}}}."""
    table = {}
    for key, value in results.items():
        dataset, rate, method, _ = key.split("|")
        table.setdefault(dataset, {}).setdefault(rate, {}).setdefault(method, []).append(value)
    out = {}
    for dataset, rates in table.items():
        for rate, methods in rates.items():
            for method, values in methods.items():
                rmse = np.array([v["rmse"] for v in values])
                se = float(rmse.std(ddof=1) / math.sqrt(len(rmse))) if len(rmse) > 1 else float("nan")
                out.setdefault(dataset, {}).setdefault(rate, {})[method] = {
                    "rmse_mean": float(rmse.mean()), "rmse_se": se, "seeds": len(rmse),
                    "cpu_seconds_mean": float(np.mean([v["cpu_seconds"] for v in values])),
                }
    return out


def markdown(summary):
    lines = ["| table | missing | method | RMSE (mean +- s.e.) | seeds | CPU s / seed |",
             "|---|---|---|---|---|---|"]
    for dataset in sorted(summary):
        for rate in sorted(summary[dataset]):
            methods = summary[dataset][rate]
            best = min(v["rmse_mean"] for v in methods.values())
            for method, v in sorted(methods.items(), key=lambda kv: kv[1]["rmse_mean"]):
                mark = " **best**" if v["rmse_mean"] == best else ""
                lines.append(f"| {dataset} | {float(rate):.0%} | {method}{mark} | "
                             f"{v['rmse_mean']:.4f} +- {v['rmse_se']:.4f} | {v['seeds']} | "
                             f"{v['cpu_seconds_mean']:.1f} |")
    return "\n".join(lines)


def parse_seeds(text):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--rates", default="0.2,0.5,0.8")
    parser.add_argument("--seeds", default="0-9")
    parser.add_argument("--methods", default=",".join(SKLEARN_METHODS + ("gain", "gain_drop")))
    parser.add_argument("--steps", type=int, default=10_000, help="GAIN training steps.")
    parser.add_argument("--output", default=os.path.join(ROOT, "benchmarks", "results", "imputation.json"))
    parser.add_argument("--smoke", action="store_true",
                        help="Seconds: wine at 20%%, seeds 0-1, mean/knn/gain, 50 GAIN steps.")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="Measure nothing: add these runs' results (e.g. seed chunks run in "
                             "parallel, each with its own --output) to --output and rewrite its summary.")
    args = parser.parse_args(argv)
    if args.merge:
        return merge(args)
    if args.smoke:
        args.datasets, args.rates, args.seeds, args.methods, args.steps = "wine", "0.2", "0,1", "mean,knn,gain", 50
    datasets = args.datasets.split(",")
    methods = args.methods.split(",")
    for name in datasets:
        if name not in DATASETS:
            raise SystemExit(f"Unknown dataset {name!r}. Expected some of {DATASETS}.")
    for name in methods:
        try:
            known = blend_parts(name) is not None or name in SKLEARN_METHODS or name in GAIN_METHODS
        except ValueError as error:
            raise SystemExit(str(error)) from None
        if not known:
            raise SystemExit(f"Unknown method {name!r}. Expected some of {SKLEARN_METHODS + tuple(GAIN_METHODS)}.")

    previous = {}
    if os.path.exists(args.output) and not args.smoke:
        with open(args.output) as f:
            previous = json.load(f).get("results", {})
    results = dict(previous)
    facts = {**machine.machine_facts(), "threads": {k: os.environ.get(k) for k in _THREAD_VARIABLES}}
    for seed in parse_seeds(args.seeds):
        for dataset in datasets:
            for rate in [float(r) for r in args.rates.split(",")]:
                for method in methods:
                    key = f"{dataset}|{rate}|{method}|{seed}"
                    results[key] = run_one(dataset, rate, method, seed, args.steps)
                    print(key, {k: round(v, 4) for k, v in results[key].items()}, flush=True)
                    # Written after every run: an interrupted chunk keeps what it measured.
                    summary = write_report(args, results, machines=[facts])
    print(markdown(summary))
    return 0


def merge(args):
    """Union of the `results` of several runs' JSON files (and --output's, if it exists).

    A key (table|rate|method|seed) measured in two files with different numbers is an
    error: the runs disagree, and silently keeping one would hide it.
    """
    results, machines = {}, []
    sources = ([args.output] if os.path.exists(args.output) else []) + list(args.merge)
    for path in sources:
        with open(path) as f:
            report = json.load(f)
        if report.get("smoke"):
            raise SystemExit(f"--merge: {path} is a --smoke run; merge only full measurements.")
        for key, value in report["results"].items():
            if key in results and results[key]["rmse"] != value["rmse"]:
                raise SystemExit(f"--merge: {key} has RMSE {results[key]['rmse']} in one file and "
                                 f"{value['rmse']} in {path}; rerun it or drop one of the files.")
            results[key] = value
        for facts in report.get("machines", []):
            if facts not in machines:
                machines.append(facts)
    print(markdown(write_report(args, results, machines)))
    return 0


_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def write_report(args, results, machines):
    """Writes --output atomically; `machines`: where the results were measured (a merge
    lists its sources' machines; files written before this field have none)."""
    summary = summarize(results)
    report = {
        "protocol": __doc__.split("Usage:")[0].strip(),
        "machines": machines,
        "gain_methods": GAIN_METHODS,
        "gain_steps": args.steps,
        "smoke": args.smoke,
        "results": results,
        "summary": summary,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    temporary = args.output + ".tmp"
    with open(temporary, "w") as f:
        json.dump(report, f, indent=1)
    os.replace(temporary, args.output)
    return summary


if __name__ == "__main__":
    sys.exit(main())
