"""Which rows of a global batch belong to this replica (tf.distribute)."""

import tensorflow as tf


def replica_info():
    """(replica id, number of replicas) of the current replica context."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context: one logical computation
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def replica_slice(draw, batch_size, seed):
    """This replica's slice of a global draw made identically on every replica.

    `draw(n, seed)` makes `n` rows from a stateless seed. Every replica draws the whole
    global batch from the same seed and keeps its own rows. Replicas therefore get distinct
    values (keras#18426: a shared seed would give every replica the *same* noise), and the
    global batch is the same draw whatever the number of replicas, which makes 1-device
    and N-device runs comparable exactly.
    """
    replica_id, num_replicas = replica_info()
    values = draw(batch_size * num_replicas, seed)
    start = replica_id * batch_size
    return values[start : start + batch_size]
