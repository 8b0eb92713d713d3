"""Training: the `Trainer` (distributed loop, checkpoint/resume, NaN handling, histories,
TensorBoard, metric curves), its `TrainConfig`, and the strategies it runs under.

```python
import tempfile
import keras_gan.training

config = keras_gan.training.TrainConfig(variant="gan", dataset="ring8", steps=2,
                                        batch_size=64, hidden_units=16, verbose=0,
                                        output_dir=tempfile.mkdtemp() + "/run")
result = keras_gan.training.train(config)   # = Trainer(config).fit()
print(result.output_dir, result.history["d_loss"])
```

Modules: `config` (TrainConfig, `resolve` against a recipe of `keras_gan.recipes`),
`trainer` (Trainer, RunResult, TrainingDiverged), `distributed` (the loop under a
`tf.distribute` strategy), `strategies` (strategies by name, TF_CONFIG), `tables` (GAIN
on a CSV table). The run directory is written through `keras_gan.runs`.
"""

from keras_gan.training import distributed, strategies
from keras_gan.training.config import TrainConfig, parse_option, resolve
from keras_gan.training.strategies import STRATEGIES, make_strategy
from keras_gan.training.tables import train_imputer
from keras_gan.training.trainer import (
    RunResult,
    Trainer,
    TrainingDiverged,
    TrainingPlan,
    train,
    weights_digest,
)

__all__ = [
    "RunResult", "STRATEGIES", "TrainConfig", "Trainer", "TrainingDiverged", "TrainingPlan",
    "distributed", "make_strategy", "parse_option", "resolve", "strategies", "train",
    "train_imputer", "weights_digest",
]
