"""keras-gan: every well-known GAN as a keras.Model, trained with model.fit."""

from setuptools import find_packages, setup

# TensorFlow is chosen through an extra so that the same package installs on a CPU-only
# machine (`tensorflow-cpu`, ~250 MB) and on a GPU host (`tensorflow[and-cuda]`, ~600 MB+):
# a requirement on one is not satisfied by the other, so the core cannot name either.
TF_VERSION = "2.21.0"

setup(
    name="keras-gan",
    version="0.1.0",
    description="Generative Adversarial Networks for Keras 3 / TensorFlow: train with "
    "model.fit on one or many devices, evaluate, export to SavedModel and ONNX.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    packages=find_packages(include=["keras_gan", "keras_gan.*", "trainers", "trainers.*",
                                    "export", "export.*"]),
    install_requires=[
        "keras>=3.15,<4",
        "tensorflow-datasets>=4.9.10",
        # TFDS needs it to prepare package-defined builders on Python >= 3.9 but declares
        # it only for older Pythons (tensorflow/datasets#11212).
        "importlib_resources>=6",
        "onnx>=1.23",
        "onnxruntime>=1.20",
        "tf2onnx>=1.17",  # 1.16 pins protobuf 3.20, impossible beside TF 2.21
        "absl-py>=2.1",
        "numpy>=1.26",
        "scipy>=1.11",
        "scikit-learn>=1.4",  # bundled offline `digits` data set
        "pillow>=10",  # PNG sample grids, image folders
        "matplotlib>=3.8",  # loss and metric curves
        "tqdm>=4.66",
        # TF 2.21 no longer brings it: `keras-gan train` writes event files, and
        # keras.callbacks.TensorBoard raises TBNotInstalledError without it.
        "tensorboard>=2.20",
    ],
    extras_require={
        "cpu": [f"tensorflow-cpu=={TF_VERSION}"],
        "gpu": [f"tensorflow[and-cuda]=={TF_VERSION}"],
        "test": ["pytest>=8", "openvino>=2025.1", "ai-edge-litert>=2.0",
                 "pandas>=2"],  # pandas: DataFrame tables (keras_gan.data.tables)
        # More runtimes for the exported files (export verification runs each one
        # installed): OpenVINO for model.onnx (wheel ~59 MB), LiteRT for model.tflite
        # (~22 MB; without it, TensorFlow's deprecated tf.lite.Interpreter is used).
        "openvino": ["openvino>=2025.1"],
        "litert": ["ai-edge-litert>=2.0"],
    },
    entry_points={"console_scripts": ["keras-gan=trainers.cli:main"]},
)
