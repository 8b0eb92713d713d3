"""`keras_gan.replicas`: each replica's rows of one global draw, under a real
MirroredStrategy over the two logical CPUs of conftest.py."""

import numpy as np
import tensorflow as tf

from keras_gan import replicas
from tests.helpers import two_cpu_strategy

SEED = tf.constant([5, 6])


def _draw(n, seed):
    return tf.random.stateless_normal([n, 3], seed)


def _per_replica(strategy, fn):
    return [t.numpy() for t in strategy.experimental_local_results(strategy.run(fn))]


def test_outside_a_strategy_there_is_one_replica_and_the_slice_is_the_draw():
    assert replicas.replica_info() == (0, 1)
    np.testing.assert_array_equal(replicas.replica_slice(_draw, 4, SEED), _draw(4, SEED))


def test_replica_info_under_mirrored_strategy():
    strategy = two_cpu_strategy()
    info = _per_replica(strategy, lambda: tf.stack([tf.constant(v) for v in replicas.replica_info()]))
    assert [list(i) for i in info] == [[0, 2], [1, 2]]
    # The cross-replica context of the scope is one logical computation.
    with strategy.scope():
        assert replicas.replica_info() == (0, 1)


def test_replicas_keep_their_rows_of_one_global_draw():
    strategy = two_cpu_strategy()
    rows = _per_replica(strategy, lambda: replicas.replica_slice(_draw, 4, SEED))
    assert [r.shape for r in rows] == [(4, 3), (4, 3)]
    # Together the global batch one device draws for 8 rows, in replica order ...
    np.testing.assert_array_equal(np.concatenate(rows), _draw(8, SEED).numpy())
    # ... so the replicas' noise differs (keras#18426 would give both the same).
    assert not np.allclose(rows[0], rows[1])
