"""The loss hooks compute the same numbers as before their refactoring (issue 12).

Every variant, built by its recipe at 16x16 with narrow networks (as the conformance
suite builds them), trains two fixed-seed steps eagerly; the logged values of each step
and a digest of every variable a checkpoint holds are compared with goldens.

The GOLDEN values below were computed by the code BEFORE the loss hooks were refactored
into one objective per side (commit 6e6544d, three nested levels per side), so they pin
the numbers the refactoring must keep. Regenerate them only for a deliberate change of a
variant's numbers: `python -m tests.test_models_objectives` prints the table.
"""

import functools

import keras
import numpy as np
import pytest

from keras_gan import data as gan_data
from tests.helpers import full_state, labelled_batches
from keras_gan import recipes

IMAGE_SHAPE = (16, 16, 1)
TINY = {"latent_dim": 8, "base_filters": 4, "hidden_units": 16, "batch_size": 8}
# case -> (variant, config overrides). Beyond one case per variant: the paths where a
# variant used to re-add penalties by hand (R1 / R2 on ACGAN, InfoGAN, SGAN, CGAN,
# WGAN-GP), and the base step's options (d_steps, reuse_generator_pass, augment, pack).
CASES = {
    "gan": ("gan", {}),
    "dcgan": ("dcgan", {}),
    "wgan": ("wgan", {}),
    "wgan_gp": ("wgan_gp", {}),
    "lsgan": ("lsgan", {}),
    "sngan": ("sngan", {}),
    "cgan": ("cgan", {}),
    "acgan": ("acgan", {}),
    "infogan": ("infogan", {"latent_dim": 16}),
    "bigan": ("bigan", {}),
    "sgan": ("sgan", {}),
    "sgan_no_fm": ("sgan", {"feature_matching": False}),
    "stylegan2": ("stylegan2", {"mapping_layers": 2, "channel_base": 64, "pl_interval": 1,
                                "regularization_interval": 1}),
    "gan_r1_r2": ("gan", {"r1_gamma": 0.5, "r2_gamma": 0.25}),
    "gan_options": ("gan", {"d_steps": 2, "reuse_generator_pass": True,
                            "augment": "translation", "r1_gamma": 0.5}),
    "gan_pack": ("gan", {"pack": 2, "r1_gamma": 0.5}),
    "cgan_r1": ("cgan", {"r1_gamma": 0.5}),
    "acgan_r1_r2": ("acgan", {"r1_gamma": 0.5, "r2_gamma": 0.25}),
    "infogan_r1": ("infogan", {"latent_dim": 16, "r1_gamma": 0.5}),
    "sgan_r1": ("sgan", {"r1_gamma": 0.5}),
    "wgan_gp_r1": ("wgan_gp", {"r1_gamma": 0.5}),
}


@functools.lru_cache(maxsize=None)
def _digits():
    return gan_data.load_arrays("digits", image_size=IMAGE_SHAPE[0], with_labels=True)


def _build(case):
    variant, overrides = CASES[case]
    recipe, data = recipes.get(variant), _digits()
    config = {**recipes.defaults(variant, "image"), **TINY, "seed": 3,
              "image_size": IMAGE_SHAPE[0], **overrides}
    keras.utils.set_random_seed(1)
    gan = recipe.build(IMAGE_SHAPE, config, data.num_classes)
    gan.compile(*recipe.optimizers(config), run_eagerly=True)
    rows = config["batch_size"] * gan.d_steps
    return gan, labelled_batches(data.images[:rows], data.labels[:rows], rows)


def _train_two_steps(case):
    """(per-step logs, variable digest) after two eager fit steps of one batch each."""
    gan, dataset = _build(case)
    history = gan.fit(dataset, epochs=2, verbose=0).history
    logs = {name: [float(v) for v in values] for name, values in sorted(history.items())}
    state = [np.asarray(v, "float64") for v in full_state(gan)]
    # Two numbers per variable would hide a swap of equal-sized variables; the weighted
    # sum over positions does not.
    digest = [float(sum(v.sum() for v in state)),
              float(sum((v.ravel() * np.arange(1, v.size + 1) / v.size).sum() for v in state)),
              float(sum(np.square(v).sum() for v in state))]
    return logs, digest


# Computed by the code before the refactoring (commit 6e6544d): case -> (logs, digest).
GOLDEN = {
    'acgan': ({'d_class_loss': [4.917197227478027, 5.694047927856445], 'd_loss': [6.647766590118408, 7.361955165863037], 'g_class_loss': [2.0746567249298096, 2.332058906555176], 'g_loss': [2.557323932647705, 2.862964630126953]}, [296.5087239956338, 154.1874439280843, 407.1730304946041]),
    'acgan_r1_r2': ({'d_class_loss': [4.917197227478027, 5.697933673858643], 'd_loss': [9.569897651672363, 10.063359260559082], 'g_class_loss': [2.0738353729248047, 2.3327112197875977], 'g_loss': [2.5547871589660645, 2.8615739345550537], 'r1': [1.534402847290039, 1.5167475938796997], 'r2': [1.387728214263916, 1.1788737773895264]}, [309.1890024308053, 161.3462281582075, 473.0912405827585]),
    'bigan': ({'d_loss': [1.3745622634887695, 1.315829873085022], 'g_loss': [1.4350160360336304, 1.4942247867584229]}, [1376655034.3328311, 688327541.6704712, 7.43061268976344e+17]),
    'cgan': ({'d_loss': [1.7391754388809204, 1.6888303756713867], 'g_loss': [0.5353628993034363, 0.5197070837020874]}, [302.4915406733895, 160.84769728893065, 354.36028791920614]),
    'cgan_r1': ({'d_loss': [3.368591547012329, 3.2962546348571777], 'g_loss': [0.5343239307403564, 0.5184116363525391], 'r1': [1.6294161081314087, 1.604046106338501]}, [317.34211551905054, 168.08292985800622, 393.61012037390884]),
    'dcgan': ({'d_loss': [1.6934199333190918, 1.347499132156372], 'g_loss': [0.5171148180961609, 0.5378131866455078]}, [290.09527629682833, 147.38864417262576, 324.04267706123125]),
    'gan': ({'d_loss': [1.4771018028259277, 1.4542349576950073], 'g_loss': [0.6528534293174744, 0.6573693752288818]}, [-11.770899301102347, -5.6663983453267655, 116.8891468767986]),
    'gan_options': ({'d_loss': [1.6723881959915161, 1.524146556854248], 'g_loss': [0.6644940376281738, 0.6647350192070007], 'r1': [0.19184935092926025, 0.1694955825805664]}, [-5.897117562287272, -1.4700507081678489, 128.35461189064202]),
    'gan_pack': ({'d_loss': [1.4922146797180176, 1.478137493133545], 'g_loss': [0.6829360723495483, 0.6826566457748413], 'r1': [0.23525598645210266, 0.24398861825466156]}, [3.170655103124389, 2.2507116230194018, 122.31676073132553]),
    'gan_r1_r2': ({'d_loss': [1.7904136180877686, 1.7570152282714844], 'g_loss': [0.652881920337677, 0.6573721170425415], 'r1': [0.145836740732193, 0.1545945703983307], 'r2': [0.1674751192331314, 0.14771828055381775]}, [-11.620495329153949, -5.59939514621391, 117.47613826602338]),
    'infogan': ({'categorical_mi': [-0.6615042686462402, -0.00167083740234375], 'd_loss': [6.548584938049316, 6.52602481842041], 'g_loss': [6.103959083557129, 5.370763778686523], 'info_loss': [5.284454345703125, 4.64072322845459]}, [317.25926226496534, 154.36059414101763, 524.474134306939]),
    'infogan_r1': ({'categorical_mi': [-0.6615200042724609, -0.001922607421875], 'd_loss': [8.082987785339355, 8.046148300170898], 'g_loss': [6.102088928222656, 5.368797302246094], 'info_loss': [5.282646656036377, 4.640169143676758], 'r1': [1.534402847290039, 1.514593482017517]}, [330.48798038970307, 161.09666104153422, 558.6697919373603]),
    'lsgan': ({'d_loss': [0.3508407473564148, 0.33327120542526245], 'g_loss': [0.39847618341445923, 0.39344674348831177]}, [249.02287780313958, 126.30315364051926, 295.4026197888745]),
    'sgan': ({'d_loss': [3.491342067718506, 3.5230495929718018], 'g_loss': [0.006242754869163036, 0.007608046755194664], 'supervised_loss': [2.2954564094543457, 2.3294122219085693], 'unsupervised_loss': [2.3917713165283203, 2.387274742126465]}, [1093975317.0019546, 546987667.4045302, 7.475680025591478e+17]),
    'sgan_no_fm': ({'d_loss': [3.491342067718506, 3.5773277282714844], 'g_loss': [0.09543542563915253, 0.09641323983669281], 'supervised_loss': [2.2954564094543457, 2.3763527870178223], 'unsupervised_loss': [2.3917713165283203, 2.401949644088745]}, [1093975314.1120243, 546987664.0850847, 7.475680025591478e+17]),
    'sgan_r1': ({'d_loss': [3.495901346206665, 3.5626444816589355], 'g_loss': [0.007417716551572084, 0.008432921022176743], 'r1': [0.004559193272143602, 0.004287692718207836], 'supervised_loss': [2.2954564094543457, 2.3609306812286377], 'unsupervised_loss': [2.3917713165283203, 2.39485239982605]}, [1093975321.9873867, 546987672.1103506, 7.47568002559148e+17]),
    'sngan': ({'d_loss': [1.980156660079956, 1.9811092615127563], 'g_loss': [0.009586956351995468, 0.012187509797513485]}, [256.92437992008917, 129.25773905071478, 324.3649799409741]),
    'stylegan2': ({'d_loss': [1.395518183708191, 1.40114164352417], 'g_loss': [1.0810626745224, 1.1293421983718872], 'pl_mean': [0.0036242129281163216, 0.008329009637236595], 'pl_penalty': [0.2891974449157715, 0.44851574301719666], 'r1': [0.0003445941547397524, 0.0003466759226284921]}, [158.32207935549707, -754.4853674789484, 2557142.29441657]),
    'wgan': ({'d_loss': [-8.578423148719594e-06, -1.6412161130574532e-05], 'g_loss': [1.0468573236721568e-05, 1.8874936358770356e-05]}, [265.10847626297476, 139.90261944492605, 369.6015162838653]),
    'wgan_gp': ({'d_loss': [16.128801345825195, 19.53461456298828], 'g_loss': [-0.2794094681739807, -0.26713892817497253], 'gp': [16.71845245361328, 20.166515350341797]}, [71998.58596601654, 32680.969064963618, 377373501.84034365]),
    'wgan_gp_r1': ({'d_loss': [16.740211486816406, 20.121339797973633], 'g_loss': [-0.27954959869384766, -0.26715248823165894], 'gp': [16.715547561645508, 20.16432762145996], 'r1': [0.6140819787979126, 0.5886522531509399]}, [73926.65510919264, 33555.00157873539, 393064886.2578092]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_steps_match_the_goldens_of_the_code_before_the_refactoring(case):
    logs, digest = _train_two_steps(case)
    expected_logs, expected_digest = GOLDEN[case]
    assert sorted(logs) == sorted(expected_logs), "logged metric names changed"
    for name in expected_logs:
        np.testing.assert_allclose(logs[name], expected_logs[name], rtol=1e-6, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(digest, expected_digest, rtol=1e-6, atol=1e-6)


# case -> the variant's own terms `evaluate` must report (before the refactoring,
# `test_step` computed only the adversarial losses: these were 0).
EVALUATED_TERMS = {
    "acgan": ("d_class_loss", "g_class_loss"),
    "infogan": ("info_loss", "categorical_mi"),
    "wgan_gp": ("gp",),
    "sgan": ("supervised_loss", "unsupervised_loss"),
}


@pytest.mark.parametrize("case", sorted(EVALUATED_TERMS))
def test_evaluate_reports_the_variants_own_objective_without_updates(case):
    gan, dataset = _build(case)
    before = full_state(gan)
    first = gan.evaluate(dataset, verbose=0, return_dict=True)
    for a, b in zip(before, full_state(gan)):
        np.testing.assert_array_equal(a, b)
    for name in EVALUATED_TERMS[case]:
        assert first[name] != 0.0 and np.isfinite(first[name]), (name, first)
    if case == "acgan":  # class_weight 1: d_loss = source (> 0) + d_class_loss
        assert first["d_loss"] > first["d_class_loss"] and first["g_loss"] > first["g_class_loss"]
    # The evaluation noise is a fixed stream: evaluating again gives the same numbers.
    assert gan.evaluate(dataset, verbose=0, return_dict=True) == pytest.approx(first, rel=1e-6)


if __name__ == "__main__":
    for name in sorted(CASES):
        print(f"    {name!r}: {_train_two_steps(name)!r},", flush=True)
