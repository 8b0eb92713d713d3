"""The Trainer's own training loop: `GAN.train_step` under any `tf.distribute` strategy.

Keras 3.15's `fit` fails under MultiWorkerMirroredStrategy (keras#20585, see
../shared/notes/traps.md), and checkpoints every N steps with an exact mid-epoch resume
need control of the data position, so the trainer drives the model's own `train_step`:

    batch = next(iterator)                                  # this replica's rows
    logs = strategy.run(gan.train_step, args=(batch,))      # the variant's objective
    logs = {k: strategy.reduce(MEAN, v) for k, v in logs}   # one value per log

Every worker runs this same loop; Keras callbacks (sample grids, CSV log, loss curves,
NaN stop) see the logs as they would under `fit`.
"""

import math
import time

import keras
import tensorflow as tf


def distribute_batches(strategy, make_dataset, global_batch_size):
    """Distributes a dataset of *global* batches so that replica r gets rows
    `[r * B / R, (r + 1) * B / R)` of each one.

    This is the split the base GAN's noise follows (each replica keeps its slice of one
    global draw), so any number of replicas or workers trains on the same global batches
    as one device does, and the runs agree.

    Args:
        strategy: tf.distribute.Strategy.
        make_dataset: callable `() -> tf.data.Dataset` of global batches (images, or
            (images, labels)), built on every worker.
        global_batch_size: int. Rows of each global batch; divisible by the number of
            replicas.
    """
    num_replicas = strategy.num_replicas_in_sync
    if global_batch_size % num_replicas:
        raise ValueError(
            f"The global batch ({global_batch_size} = batch_size x d_steps) must be divisible "
            f"by the {num_replicas} replicas. Received: global batch size {global_batch_size}"
        )

    def dataset_fn(context):
        pipelines, pipeline = context.num_input_pipelines, context.input_pipeline_id
        per_pipeline = global_batch_size // pipelines
        per_replica = context.get_per_replica_batch_size(global_batch_size)

        def this_pipeline(*batch):
            rows = tuple(t[pipeline * per_pipeline : (pipeline + 1) * per_pipeline] for t in batch)
            return rows if len(rows) > 1 else rows[0]

        dataset = make_dataset().map(this_pipeline)
        if per_replica != per_pipeline:  # several replicas on this worker take turns
            dataset = dataset.unbatch().batch(per_replica, drop_remainder=True)
        return dataset.prefetch(tf.data.AUTOTUNE)

    options = tf.distribute.InputOptions(experimental_fetch_to_device=True)
    return strategy.distribute_datasets_from_function(dataset_fn, options)


def make_step_function(gan, strategy):
    """A `tf.function` running one `gan.train_step` on every replica; returns the logs
    averaged over replicas (each replica's tracker holds its true running mean)."""

    @tf.function
    def step(batch):
        logs = strategy.run(gan.train_step, args=(batch,))
        return {
            name: strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=None)
            for name, value in logs.items()
        }

    return step


def run_loop(
    gan,
    strategy,
    make_dataset,
    *,
    global_batch_size,
    steps_per_epoch,
    total_steps,
    start_epoch=0,
    start_batch=0,
    callbacks=(),
    save=None,
    checkpoint_every=None,
    verbose=1,
):
    """Trains `gan` from position (start_epoch, start_batch) until `total_steps` batches.

    Args:
        gan: a compiled `keras_gan.models.GAN` built in `strategy.scope()`.
        strategy: tf.distribute.Strategy.
        make_dataset: callable `(start_epoch, skip_batches) -> tf.data.Dataset` of global
            batches from that position on (e.g. `keras_gan.data.epoch_dataset`).
        global_batch_size: int.
        steps_per_epoch: int. Batches per epoch.
        total_steps: int. Position (in batches from the start of training) to stop at.
        start_epoch: int. Epoch to resume in. Defaults to 0.
        start_batch: int. Batches of `start_epoch` already done. Defaults to 0.
        callbacks: Keras callbacks, called as `fit` calls them.
        save: callable `(epoch, batch, logs) -> None` or None. Saves the state at a
            position; called every `checkpoint_every` batches and at each epoch's end.
        checkpoint_every: int or None. Defaults to None (epoch ends only).
        verbose: int. 0 silent, 1 Keras's progress bar, 2 one line per epoch.
            Defaults to 1.

    Returns:
        dict: history, `{name: [value per epoch]}` for the epochs of this call.
    """
    position = start_epoch * steps_per_epoch + start_batch
    history = {}
    if position >= total_steps:
        return history
    # Last in the list, so the history holds what earlier callbacks added to the epoch's
    # logs (e.g. FID); CallbackList hands callbacks a copy of the dict passed to it.
    recorder = keras.callbacks.History()
    callback_list = keras.callbacks.CallbackList(list(callbacks) + [recorder], model=gan)
    dataset = distribute_batches(
        strategy, lambda: make_dataset(start_epoch, start_batch), global_batch_size
    )
    step = make_step_function(gan, strategy)
    iterator = iter(dataset)
    epochs = math.ceil(total_steps / steps_per_epoch)
    gan.stop_training = False
    callback_list.on_train_begin()
    epoch, batch, logs = start_epoch, start_batch, {}
    while position < total_steps and not gan.stop_training:
        epoch, batch = divmod(position, steps_per_epoch)
        if batch == 0 or position == start_epoch * steps_per_epoch + start_batch:
            for tracker in gan.metrics:
                tracker.reset_state()
            callback_list.on_epoch_begin(epoch)
            started = time.time()
            if verbose == 1:
                print(f"Epoch {epoch + 1}/{epochs}", flush=True)
                # Logged values are already running means: show them as they are.
                progress = keras.utils.Progbar(
                    steps_per_epoch, stateful_metrics=[m.name for m in gan.metrics]
                )
        callback_list.on_train_batch_begin(batch)
        logs = {name: float(value) for name, value in step(next(iterator)).items()}
        callback_list.on_train_batch_end(batch, logs)
        position += 1
        batch += 1
        if verbose == 1:
            progress.update(batch, values=list(logs.items()))
        end_of_epoch = batch == steps_per_epoch or position == total_steps
        if gan.stop_training:
            break
        if save is not None and (
            end_of_epoch or (checkpoint_every and position % checkpoint_every == 0)
        ):
            # The position after this batch: (epoch + 1, 0) at an epoch's end.
            save(*divmod(position, steps_per_epoch), logs)
        if end_of_epoch:
            callback_list.on_epoch_end(epoch, logs)
            if verbose == 2:
                values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                print(
                    f"Epoch {epoch + 1}/{epochs} - {batch} steps - "
                    f"{time.time() - started:.1f}s - {values}",
                    flush=True,
                )
    callback_list.on_train_end(logs)
    return recorder.history


def synchronize_batch_norm(*models):
    """Turns on cross-replica (synchronized) statistics in every BatchNormalization layer.

    Without it each replica normalizes with the mean and variance of its own slice of the
    batch; synchronized, every replica uses the statistics of the global batch (as one
    device would). Returns the number of layers changed.
    """
    changed = 0
    for model in models:
        for layer in model._flatten_layers(include_self=False, recursive=True):
            if isinstance(layer, keras.layers.BatchNormalization) and not layer.synchronized:
                layer.synchronized = True
                changed += 1
    return changed


__all__ = ["distribute_batches", "make_step_function", "run_loop", "synchronize_batch_norm"]
