"""`MetricsCallback`: chosen metrics every k epochs during `fit`, plotted beside the losses."""

import csv
import os
import time

import numpy as np
import tensorflow as tf

import keras
from keras_gan.metrics.evaluation import _with_pixels, compute_metrics, parse_metrics
from keras_gan.metrics.streaming import dataset_features, generator_features
from keras_gan.runs import METRICS_CSV, METRICS_PLOT


class MetricsCallback(keras.callbacks.Callback):
    """Computes metrics of the model's generator every `every_n_epochs` epochs.

    Real features are extracted once (first evaluation) and reused; generated images use the
    same noise (seeded) at every evaluation, so curves move with the generator only. Values
    are added to the epoch's `logs` (so `History`, CSV loggers and later callbacks see
    them, e.g. `logs["fid"]`), kept in `history`, and, when `output_dir` is set, written to
    `metrics.csv` and plotted with the loss curves in `metrics.png` (losses left,
    metrics right). Each row also holds the training time so far in this process, the
    evaluations' own time left out: `train_seconds` (wall) and `train_cpu_seconds` (CPU
    time of the process, every thread): a time-to-quality curve of the run (a `history`
    restored on resume continues from its last row's times).

    Args:
        real_data: tf.data.Dataset (batched images or (images, labels)) or array
            `[n, H, W, C]` in [-1, 1]. Real images; at most `num_samples` are used.
        extractor: `FeatureExtractor` (e.g. `inception_extractor` or `domain_extractor`),
            or None when `metrics` is just ("parzen",).
        metrics: str or sequence of names among fid, kid, is, pr, dc, parzen. Defaults to
            ("fid",).
        every_n_epochs: int. Evaluate after epochs k, 2k, .... Defaults to 1.
        num_samples: int. Generated images per evaluation. Defaults to 1000.
        batch_size: int. Generation batch. Defaults to 64.
        output_dir: str. Folder for `metrics.csv` / `metrics.png`. Defaults to None (none
            written).
        generator: keras.Model. Generator to evaluate. Defaults to None: the model's
            `ema_generator` when it has one, else its `generator`.
        latent_dim: int. Defaults to the model's `latent_dim`.
        num_classes: int. Defaults to the model's `num_classes`.
        (Without `latent_dim` and `num_classes`, a keras_gan model's generator gets the
        inputs of its training prior, `GAN.sample_prior`: InfoGAN's one-hot and uniform
        codes, StyleGAN2's random noise inputs; with them, z ~ N(0, I).)
        seed: int. Noise seed. Defaults to 0.
        strategy: tf.distribute.Strategy. For feature extraction. Defaults to None.
        **metric_options: passed to `compute_metrics` (e.g. `kid_subset_size=100`).
    """

    def __init__(self, real_data, extractor, metrics=("fid",), every_n_epochs=1,
                 num_samples=1000, batch_size=64, output_dir=None, generator=None,
                 latent_dim=None, num_classes=None, seed=0, strategy=None, **metric_options):
        super().__init__()
        if isinstance(every_n_epochs, bool) or int(every_n_epochs) != every_n_epochs \
                or every_n_epochs < 1:
            raise ValueError(f"`every_n_epochs` must be a positive integer. Received: "
                             f"every_n_epochs={every_n_epochs!r}")
        self.metric_names = parse_metrics(metrics)
        if extractor is None and set(self.metric_names) != {"parzen"}:
            raise ValueError("`extractor` is required for metrics other than 'parzen'. "
                             f"Received: extractor=None, metrics={list(self.metric_names)}")
        if not isinstance(real_data, tf.data.Dataset):
            real_data = tf.data.Dataset.from_tensor_slices(
                np.asarray(real_data, dtype=np.float32)).batch(batch_size)
        self.real_data = real_data
        self.extractor = extractor
        self.every_n_epochs = int(every_n_epochs)
        self.num_samples = num_samples
        self.batch_size = batch_size
        self.output_dir = output_dir
        self.generator = generator
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.seed = seed
        self.strategy = strategy
        self.metric_options = metric_options
        self.history = []  # [{"epoch": int, metric: value, ...}]
        self.loss_history = {}  # {name: [value per epoch]}
        self._extract = (_with_pixels(extractor) if "parzen" in self.metric_names
                         else extractor)
        self._real = None
        self._started = None  # (wall, CPU) at the start of training
        self._evaluation_time = [0.0, 0.0]  # (wall, CPU) spent in evaluations

    def on_train_begin(self, logs=None):
        # A resumed run (`history` restored) continues from its last row's times; epochs
        # trained after that row before the interruption are not counted.
        last = self.history[-1] if self.history else {}
        self._started = (time.perf_counter() - last.get("train_seconds", 0.0),
                         time.process_time() - last.get("train_cpu_seconds", 0.0))
        self._evaluation_time = [0.0, 0.0]

    def _training_time(self):
        """(wall, CPU) seconds of training since `on_train_begin`, evaluations excluded."""
        if self._started is None:  # called outside fit
            return None, None
        wall = time.perf_counter() - self._started[0] - self._evaluation_time[0]
        cpu = time.process_time() - self._started[1] - self._evaluation_time[1]
        return round(wall, 2), round(cpu, 2)

    def _generator_facts(self):
        generator = self.generator
        if generator is None:
            generator = getattr(self.model, "ema_generator", None) or self.model.generator
        latent_dim = self.latent_dim or getattr(self.model, "latent_dim", None)
        if latent_dim is None:
            raise ValueError("`latent_dim` is unknown: pass it or train a model with a "
                             "`latent_dim` attribute. Received: latent_dim=None")
        num_classes = (self.num_classes if self.num_classes is not None
                       else getattr(self.model, "num_classes", None))
        return generator, int(latent_dim), num_classes

    def evaluate(self):
        """Computes the metrics now; returns `{name: value}`."""
        prior = None
        if self.latent_dim is None and self.num_classes is None:
            prior = getattr(self.model, "sample_prior", None)
        generator, latent_dim, num_classes = self._generator_facts()
        if self._real is None:
            real = dataset_features(self._extract, self.real_data, strategy=self.strategy,
                                    progress=False)
            self._real = {key: value[:self.num_samples] for key, value in real.items()}
        fake = generator_features(self._extract, generator, self.num_samples, latent_dim,
                                  batch_size=self.batch_size, num_classes=num_classes,
                                  seed=self.seed, strategy=self.strategy, progress=False,
                                  prior=prior)
        values, _ = compute_metrics(self._real, fake, self.metric_names, seed=self.seed,
                                    **self.metric_options)
        return values

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        for name, value in logs.items():
            if np.ndim(value) == 0:
                self.loss_history.setdefault(name, []).append(float(value))
        if (epoch + 1) % self.every_n_epochs:
            return
        wall, cpu = self._training_time()
        started = (time.perf_counter(), time.process_time())
        values = self.evaluate()
        self._evaluation_time[0] += time.perf_counter() - started[0]
        self._evaluation_time[1] += time.process_time() - started[1]
        logs.update(values)
        times = {} if wall is None else {"train_seconds": wall, "train_cpu_seconds": cpu}
        self.history.append({"epoch": epoch + 1, **values, **times})
        if self.output_dir:
            os.makedirs(self.output_dir, exist_ok=True)
            self._write_csv(os.path.join(self.output_dir, METRICS_CSV))
            self.plot(os.path.join(self.output_dir, METRICS_PLOT))

    def _write_csv(self, path):
        names = ["epoch"] + sorted({key for row in self.history for key in row} - {"epoch"})
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            writer.writerows(self.history)

    def plot(self, path):
        """Saves losses (left) and metric curves (right, one panel per metric) as a PNG."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        metric_keys = sorted({key for row in self.history for key in row} - {"epoch"}
                             - {k for k in ("kid_std", "is_std", "parzen_standard_error",
                                            "train_seconds", "train_cpu_seconds")})
        figure, axes = plt.subplots(1, 1 + len(metric_keys),
                                    figsize=(4 * (1 + len(metric_keys)), 3.2), dpi=100,
                                    squeeze=False)
        loss_axis = axes[0, 0]
        for name, values in sorted(self.loss_history.items()):
            if name not in metric_keys:
                loss_axis.plot(np.arange(1, len(values) + 1), values, label=name)
        loss_axis.set_title("losses")
        loss_axis.set_xlabel("epoch")
        if self.loss_history:
            loss_axis.legend(fontsize=7)
        for axis, key in zip(axes[0, 1:], metric_keys):
            epochs = [row["epoch"] for row in self.history if key in row]
            axis.plot(epochs, [row[key] for row in self.history if key in row], marker="o")
            axis.set_title(key)
            axis.set_xlabel("epoch")
            axis.grid(alpha=0.3)
        figure.tight_layout()
        figure.savefig(path, format="png")
        plt.close(figure)
        return path
