"""Every malformed input to the public API raises a ValueError naming the argument and
what is allowed.

Each case pairs a call with a regex that must find BOTH the argument (or field) name and a hint
of the allowed values, so a bare "invalid value" would fail the test.
"""

import copy
import json
import math
import time

import numpy as np
import pytest

from nncore import MLP, Trainer, datasets, optimizers, state
from nncore import validation as check
from nncore.config import Config
from nncore.records import Data
from nncore.codec import array_from_json, array_to_json

NAN, INF = float("nan"), float("inf")


def _raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- MLP(...) ---------------------------------------------------------------------------------
MLP_CASES = {
    "sizes empty": (dict(sizes=[]), r"sizes=\[\] must be a list of at least 2 layer widths"),
    "sizes one entry": (dict(sizes=[3]), r"sizes=\[3\] must be a list of at least 2"),
    "sizes a string": (dict(sizes="2,4,1"), r"sizes='2,4,1' must be a list of at least 2"),
    "sizes zero width": (dict(sizes=[2, 0, 1]), r"sizes\[1\]=0 is out of range; allowed >= 1"),
    "sizes negative": (dict(sizes=[2, -3, 1]), r"sizes\[1\]=-3 is out of range; allowed >= 1"),
    "sizes float": (dict(sizes=[2, 2.5, 1]), r"sizes\[1\]=2\.5 must be a whole number >= 1"),
    "sizes string entry": (dict(sizes=[2, "4", 1]), r"sizes\[1\]='4' must be a whole number"),
    "sizes bool entry": (dict(sizes=[True, 1]), r"sizes\[0\]=True must be a whole number"),
    "activation unknown": (dict(activation="swish"),
                           r"activation='swish' is not allowed; choose one of: linear, sigmoid, "
                           r"tanh, relu, leaky_relu"),
    "activation softmax is output-only": (dict(activation="softmax"),
                                          r"activation='softmax'.*choose one of: linear"),
    "output_activation unknown": (dict(output_activation="relu"),
                                  r"output_activation='relu' is not allowed; choose one of: "
                                  r"linear, sigmoid, tanh, softmax, step"),
    "loss unknown": (dict(loss="hinge"),
                     r"loss='hinge' is not allowed; choose one of: sse, mse, bce, "
                     r"cross_entropy, perceptron"),
    "init unknown": (dict(init="glorot"),
                     r"init='glorot' is not allowed; choose one of: .*xavier.*he"),
    "softmax with bce": (dict(sizes=[2, 3], output_activation="softmax", loss="bce"),
                         r"loss='bce' cannot be used with output_activation='softmax'; "
                         r"allowed pairings: .*bce with output sigmoid"),
    "cross_entropy without softmax": (dict(output_activation="sigmoid", loss="cross_entropy"),
                                      r"loss='cross_entropy' cannot be used with "
                                      r"output_activation='sigmoid'.*cross_entropy with output "
                                      r"softmax"),
    "perceptron loss with tanh": (dict(output_activation="tanh", loss="perceptron"),
                                  r"loss='perceptron'.*output_activation='tanh'.*perceptron "
                                  r"with output step"),
    "softmax with one output": (dict(sizes=[2, 1], output_activation="softmax",
                                     loss="cross_entropy"),
                                r"output_activation='softmax' needs at least 2 outputs; got 1"),
    "step with two outputs": (dict(sizes=[2, 2], output_activation="step", loss="perceptron"),
                              r"output_activation='step' needs exactly 1 output; got 2"),
    "negative l1": (dict(l1=-0.1), r"l1=-0\.1 is out of range; allowed from 0 to 10"),
    "negative l2": (dict(l2=-1), r"l2=-1\.0 is out of range; allowed from 0 to 10"),
    "NaN l2": (dict(l2=NAN), r"l2=nan must be finite from 0 to 10"),
    "string l1": (dict(l1="strong"), r"l1='strong' must be a number from 0 to 10"),
    "dtype float16": (dict(dtype=np.float16), r"dtype=.*float16.* is not allowed; choose "
                                              r"np\.float64 or np\.float32"),
    "dtype int": (dict(dtype=np.int32), r"dtype=.*int32.* is not allowed; choose np\.float64"),
    "dropout list too short": (dict(sizes=[2, 4, 4, 1], dropout=[0.1]),
                               r"dropout has 1 entries; expected one per hidden layer \(2\)"),
    "dropout list too long": (dict(sizes=[2, 4, 1], dropout=[0.1, 0.2]),
                              r"dropout has 2 entries; expected one per hidden layer \(1\)"),
    "dropout 1": (dict(dropout=1.0), r"dropout=1\.0 is out of range; allowed from 0 "
                                     r"to 0\.95"),
    "dropout negative": (dict(dropout=-0.1), r"dropout=-0\.1 is out of range; allowed from 0"),
    "dropout entry out of range": (dict(sizes=[2, 4, 4, 1], dropout=[0.1, 1.5]),
                                   r"dropout\[1\]=1\.5 is out of range; allowed from 0 "
                                   r"to 0\.95"),
    "batch_norm a string": (dict(batch_norm="yes"), r"batch_norm='yes' must be true or false"),
    "batch_norm an int": (dict(batch_norm=1), r"batch_norm=1 must be true or false"),
    "batch_norm list wrong length": (dict(sizes=[2, 4, 4, 1], batch_norm=[True]),
                                     r"batch_norm has 1 entries; expected one per hidden layer "
                                     r"\(2\)"),
    "batch_norm entry not a bool": (dict(sizes=[2, 4, 4, 1], batch_norm=[True, "no"]),
                                    r"batch_norm\[1\]='no' must be true or false"),
    "bias a string": (dict(bias="no"), r"bias='no' must be true or false"),
    "seed negative": (dict(seed=-1), r"seed=-1 is out of range; allowed from 0"),
}


@pytest.mark.parametrize("kwargs, match", MLP_CASES.values(), ids=MLP_CASES.keys())
def test_mlp_rejects_bad_argument(kwargs, match):
    kwargs = {"sizes": [2, 4, 1], **kwargs}
    _raises(lambda: MLP(**kwargs), match)


def test_mlp_rejects_unknown_dtype_name():
    _raises(lambda: MLP([2, 1], dtype="banana"), r"dtype='banana'.*np\.float64 or np\.float32")


# -- net.forward / net.loss_and_grads ----------------------------------------------------------
X_OK = np.zeros((4, 2))
Y_OK = np.zeros((4, 1))

FORWARD_CASES = {
    "too many columns": (np.zeros((4, 3)),
                         r"X has 3 columns; this network takes 2 inputs \(X must be \(N, 2\)\)"),
    "too few columns": (np.zeros((4, 1)), r"X has 1 columns; this network takes 2 inputs"),
    "1-D X": (np.zeros(2), r"X must be 2-D; got shape \(2,\)"),
    "3-D X": (np.zeros((1, 4, 2)), r"X must be 2-D; got shape \(1, 4, 2\)"),
    "NaN in X": ([[0.0, 1.0], [2.0, NAN]],
                 r"X holds a non-finite value .*nan.* at index \(1, 1\); every value must be a "
                 r"finite number"),
    "inf in X": ([[INF, 1.0]], r"X holds a non-finite value .*inf.* at index \(0, 0\); every "
                               r"value must be a finite number"),
    "empty X": (np.zeros((0, 2)), r"X has no rows; give at least one sample"),
    "strings in X": ([["a", "b"]], r"X must hold numbers; got dtype"),
    "ragged X": ([[1.0, 2.0], [3.0]], r"X must be a 2-D array of numbers"),
}


@pytest.mark.parametrize("X, match", FORWARD_CASES.values(), ids=FORWARD_CASES.keys())
@pytest.mark.parametrize("method", ["forward", "loss_and_grads"])
def test_network_rejects_bad_inputs(method, X, match):
    net = MLP([2, 4, 1])
    if method == "forward":
        _raises(lambda: net.forward(X), match)
    else:
        _raises(lambda: net.loss_and_grads(X, Y_OK), match)


TARGET_CASES = {
    "Y 1-D": (np.zeros(4), r"Y must be 2-D; got shape \(4,\)"),
    "Y too many columns": (np.zeros((4, 2)), r"Y has shape \(4, 2\); expected \(4, 1\): one row "
                                             r"per sample of X and one column per output"),
    "Y too few rows": (np.zeros((3, 1)), r"Y has shape \(3, 1\); expected \(4, 1\)"),
    "NaN in Y": ([[0.0], [NAN], [1.0], [0.0]], r"Y holds a non-finite value .*nan.* at index "
                                               r"\(1, 0\); every value must be a finite number"),
    "inf in Y": ([[0.0], [1.0], [-INF], [0.0]], r"Y holds a non-finite value .*inf.* at index "
                                                r"\(2, 0\)"),
}


@pytest.mark.parametrize("Y, match", TARGET_CASES.values(), ids=TARGET_CASES.keys())
def test_loss_and_grads_rejects_bad_targets(Y, match):
    net = MLP([2, 4, 1])
    _raises(lambda: net.loss_and_grads(X_OK, Y), match)


def test_cross_entropy_target_shape_error_mentions_one_hot():
    net = MLP([2, 3], output_activation="softmax", loss="cross_entropy")
    _raises(lambda: net.loss_and_grads(X_OK, np.zeros((4, 1))),
            r"Y has shape \(4, 1\); expected \(4, 3\).*one-hot rows for cross_entropy")


def test_rejected_inputs_leave_the_network_untouched():
    net = MLP([2, 4, 1], seed=3)
    theta = net.theta.copy()
    with pytest.raises(ValueError):
        net.loss_and_grads([[NAN, 0.0]], [[1.0]])
    assert np.array_equal(net.theta, theta)
    assert not net.grad.any()  # no gradient was written


# -- optimizers ----------------------------------------------------------------------------------
OPTIMIZER_CASES = {
    "sgd lr 0": (optimizers.SGD, dict(learning_rate=0),
                 r"learning_rate=0\.0 is out of range; allowed > 0"),
    "sgd lr negative": (optimizers.SGD, dict(learning_rate=-0.1),
                        r"learning_rate=-0\.1 is out of range; allowed > 0"),
    "adam lr NaN": (optimizers.Adam, dict(learning_rate=NAN),
                    r"learning_rate=nan must be finite > 0"),
    "rmsprop lr inf": (optimizers.RMSProp, dict(learning_rate=INF),
                       r"learning_rate=inf must be finite > 0"),
    "sgd lr string": (optimizers.SGD, dict(learning_rate="fast"),
                      r"learning_rate='fast' must be a number > 0"),
    "sgd momentum 1": (optimizers.SGD, dict(momentum=1.0),
                       r"momentum=1\.0 is out of range; allowed from 0 to "
                       r"0\.999"),
    "sgd momentum negative": (optimizers.SGD, dict(momentum=-0.5),
                              r"momentum=-0\.5 is out of range; allowed from 0"),
    "rmsprop momentum 2": (optimizers.RMSProp, dict(momentum=2),
                           r"momentum=2\.0 is out of range; allowed from 0 to "
                           r"0\.999"),
    "nesterov without momentum": (optimizers.SGD, dict(nesterov=True),
                                  r"nesterov=True needs momentum > 0; got momentum=0\.0"),
    "nesterov not a bool": (optimizers.SGD, dict(momentum=0.9, nesterov="yes"),
                            r"nesterov='yes' must be true or false"),
    "adam beta1 1": (optimizers.Adam, dict(beta1=1.0),
                     r"beta1=1\.0 is out of range; allowed from 0 to 0\.9999"),
    "adam beta2 negative": (optimizers.Adam, dict(beta2=-0.1),
                            r"beta2=-0\.1 is out of range; allowed from 0"),
    "adam eps 0": (optimizers.Adam, dict(eps=0.0),
                   r"eps=0\.0 is out of range; allowed from 0 \(exclusive\) to 1"),
    "rmsprop alpha 1.5": (optimizers.RMSProp, dict(alpha=1.5),
                          r"alpha=1\.5 is out of range; allowed from 0 to "
                          r"0\.9999"),
    "rmsprop centered not a bool": (optimizers.RMSProp, dict(centered=1),
                                    r"centered=1 must be true or false"),
}


@pytest.mark.parametrize("cls, kwargs, match", OPTIMIZER_CASES.values(),
                         ids=OPTIMIZER_CASES.keys())
def test_optimizer_rejects_bad_hyperparameter(cls, kwargs, match):
    _raises(lambda: cls(**kwargs), match)
    opt = cls()  # the same check guards set() on a live optimizer
    _raises(lambda: opt.set(**kwargs), match)


@pytest.mark.parametrize("cls, name, allowed", [
    (optimizers.SGD, "beta1", r"learning_rate, momentum, nesterov"),
    (optimizers.Adam, "momentum", r"learning_rate, beta1, beta2, eps"),
    (optimizers.RMSProp, "nesterov", r"learning_rate, alpha, eps, momentum, centered"),
])
def test_optimizer_set_rejects_unknown_hyperparameter(cls, name, allowed):
    opt = cls()
    _raises(lambda: opt.set(**{name: 0.5}),
            rf"'{name}' is not a hyperparameter of {cls.name}; allowed: {allowed}")


def test_failed_optimizer_set_changes_nothing():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.5)
    with pytest.raises(ValueError, match="momentum"):
        opt.set(learning_rate=0.2, momentum=1.5)  # one good change, one bad: all or nothing
    assert (opt.learning_rate, opt.momentum) == (0.1, 0.5)
    with pytest.raises(ValueError, match="nesterov"):
        opt.set(momentum=0.0, nesterov=True)
    assert (opt.momentum, opt.nesterov) == (0.5, False)


def test_optimizer_step_rejects_misaligned_grads():
    opt = optimizers.Adam()
    _raises(lambda: opt.step([np.zeros(2), np.zeros(3)], [np.zeros(2)]),
            r"params has 2 arrays but grads has 1; they must align")


# -- Config and Trainer fields -------------------------------------------------------------------
CONFIG_CASES = {
    "unknown field": (dict(speed=3), r"'speed' is not a config field; allowed: dataset, "
                                     r"n_samples, noise"),
    "dataset unknown": (dict(dataset="cifar10"), r"dataset='cifar10' is not allowed; choose one "
                                                 r"of: circle, xor, .*custom"),
    "dataset not a string": (dict(dataset=3), r"dataset=3 is not allowed; choose one of: circle"),
    "n_samples 3": (dict(n_samples=3), r"n_samples=3 is out of range; allowed from 4 "
                                       r"to 100000"),
    "n_samples negative": (dict(n_samples=-10), r"n_samples=-10 is out of range; allowed from 4"),
    "n_samples too big": (dict(n_samples=100_001), r"n_samples=100001 is out of range; allowed "
                                                   r"from 4 to 100000"),
    "n_samples float": (dict(n_samples=100.5), r"n_samples=100\.5 must be a whole number from 4"),
    "noise above 1": (dict(noise=1.5), r"noise=1\.5 is out of range; allowed from 0 "
                                       r"to 1"),
    "noise negative": (dict(noise=-0.1), r"noise=-0\.1 is out of range; allowed from 0"),
    "noise NaN": (dict(noise=NAN), r"noise=nan must be finite from 0 to 1"),
    "noise a string": (dict(noise="high"), r"noise='high' must be a number from 0"),
    "n_classes 1": (dict(n_classes=1), r"n_classes=1 is out of range; allowed from 2 "
                                       r"to 10"),
    "n_classes 11": (dict(n_classes=11), r"n_classes=11 is out of range; allowed from 2"),
    "train_ratio 0": (dict(train_ratio=0), r"train_ratio=0\.0 is out of range; allowed from "
                                           r"0 \(exclusive\) to 1"),
    "train_ratio above 1": (dict(train_ratio=1.5), r"train_ratio=1\.5 is out of range; allowed "
                                                   r"from 0 \(exclusive\) to 1"),
    "data_seed negative": (dict(data_seed=-1), r"data_seed=-1 is out of range; allowed from 0"),
    "features unknown": (dict(features=["x1", "x3"]), r"features contains 'x3'; allowed: x1, x2, "
                                                      r"x1sq, x2sq, x1x2, sinx1, sinx2"),
    "features duplicated": (dict(features=["x1", "x1"]),
                            r"features=\['x1', 'x1'\] names a feature twice"),
    "features empty": (dict(features=[]), r"features=\[\] selects no feature; choose at least one "
                                          r"of: x1, x2"),
    "features a string": (dict(features="x1"),
                          r"features='x1' must be a list of features; allowed: a non-empty "
                          r"list of distinct names from: x1, x2"),
    "hidden_layers a string": (dict(hidden_layers="4,2"),
                               r"hidden_layers='4,2' must be a list of layer widths; "
                               r"allowed: a list of at most 64 whole numbers"),
    "hidden_layers with 0": (dict(hidden_layers=(4, 0)),
                             r"hidden_layers\[1\]=0 is out of range; allowed from 1 "
                             r"to 4096"),
    "hidden_layers negative": (dict(hidden_layers=[-4]),
                               r"hidden_layers\[0\]=-4 is out of range; allowed from 1"),
    "hidden_layers float": (dict(hidden_layers=[4.5]),
                            r"hidden_layers\[0\]=4\.5 must be a whole number from 1"),
    "hidden_layers too deep": (dict(hidden_layers=[2] * 65),
                               r"hidden_layers has 65 entries; at most 64"),
    "hidden_layers too wide": (dict(hidden_layers=[5000]),
                               r"hidden_layers\[0\]=5000 is out of range; allowed from 1 "
                               r"to 4096"),
    "activation unknown": (dict(activation="swish"), r"activation='swish' is not allowed; choose "
                                                     r"one of: linear"),
    "output_activation unknown": (dict(output_activation="relu"),
                                  r"output_activation='relu' is not allowed; choose one of: "
                                  r"linear, sigmoid"),
    "loss unknown": (dict(loss="hinge"), r"loss='hinge' is not allowed; choose one of: sse"),
    "loss does not pair with the output": (dict(loss="cross_entropy"),
                                           r"loss='cross_entropy' cannot be used with "
                                           r"output_activation='sigmoid'; allowed pairings"),
    "init unknown": (dict(init="glorot"), r"init='glorot' is not allowed; choose one of:"),
    "bias not a bool": (dict(bias="yes"), r"bias='yes' must be true or false"),
    "batch_norm not a bool": (dict(batch_norm=1), r"batch_norm=1 must be true or false"),
    "seed negative": (dict(seed=-5), r"seed=-5 is out of range; allowed from 0"),
    "seed float": (dict(seed=1.5), r"seed=1\.5 must be a whole number from 0"),
    "dtype unknown": (dict(dtype="float16"), r"dtype='float16' is not allowed; choose one of: "
                                             r"float64, float32"),
    "optimizer unknown": (dict(optimizer="lbfgs"), r"optimizer='lbfgs' is not allowed; choose "
                                                   r"one of: sgd, adam, rmsprop"),
    "learning_rate 0": (dict(learning_rate=0), r"learning_rate=0\.0 is out of range; allowed > 0"),
    "learning_rate NaN": (dict(learning_rate=NAN), r"learning_rate=nan must be finite > 0"),
    "batch_size 0": (dict(batch_size=0), r"batch_size=0 is out of range; allowed from 1"),
    "batch_size float": (dict(batch_size=2.5), r"batch_size=2\.5 must be a whole number from 1"),
    "momentum 1": (dict(momentum=1.0), r"momentum=1\.0 is out of range; allowed from 0 "
                                       r"to 0\.999"),
    "nesterov without momentum": (dict(nesterov=True), r"nesterov=True needs momentum > 0"),
    "adam beta1 1": (dict(optimizer="adam", beta1=1.0), r"beta1=1\.0 is out of range; allowed"),
    "adam beta2 2": (dict(optimizer="adam", beta2=2.0), r"beta2=2\.0 is out of range; allowed"),
    "adam eps 0": (dict(optimizer="adam", eps=0.0), r"eps=0\.0 is out of range; allowed from "
                                                    r"0 \(exclusive\)"),
    "l1 negative": (dict(l1=-0.01), r"l1=-0\.01 is out of range; allowed from 0 "
                                    r"to 10"),
    "l2 too big": (dict(l2=11), r"l2=11\.0 is out of range; allowed from 0 to "
                                r"10"),
    "dropout too big": (dict(dropout=0.96), r"dropout=0\.96 is out of range; allowed from 0 "
                                            r"to 0\.95"),
    "batch_norm with batch_size 1": (dict(batch_norm=True, batch_size=1),
                                     r"batch_size=1 cannot be used with batch_norm=True.*use "
                                     r"batch_size >= 2"),
}


@pytest.mark.parametrize("fields, match", CONFIG_CASES.values(), ids=CONFIG_CASES.keys())
def test_config_and_trainer_reject_bad_field(fields, match):
    _raises(lambda: Config().replace(**fields), match)
    _raises(lambda: Trainer(**fields), match)


def test_config_checks_rmsprop_fields():
    _raises(lambda: Config(optimizer="rmsprop", alpha=-0.5),
            r"alpha=-0\.5 is out of range; allowed from 0")


@pytest.mark.parametrize("fields, match", [
    (dict(speed=3), r"'speed' is not a config field; allowed: dataset"),
], ids=["unknown field"])
def test_config_constructor_rejects_unknown_field(fields, match):
    _raises(lambda: Config(**fields), match)


# Config validates only the selected optimizer's hyperparameters, so a bad value for another
# optimizer's field is stored silently (and blamed later, when the optimizer is switched), and
# a non-number crashes in float() with no field name.
@pytest.mark.parametrize("fields, match", [
    (dict(beta1=5.0), r"beta1=5\.0 is out of range; allowed from 0"),
    (dict(optimizer="adam", alpha=-1.0), r"alpha=-1\.0 is out of range; allowed from 0"),
    (dict(optimizer="adam", nesterov=True), r"nesterov=True needs momentum > 0"),
    (dict(optimizer="adam", nesterov="yes"), r"nesterov='yes' must be true or false"),
    (dict(alpha=None), r"alpha=None must be a number"),
    (dict(eps="tiny"), r"eps='tiny' must be a number"),
], ids=["beta1 with sgd", "alpha with adam", "nesterov without momentum with adam",
        "nesterov a string with adam", "alpha None", "eps a string"])
def test_config_checks_every_optimizer_field(fields, match):
    _raises(lambda: Config(**fields), match)


def test_config_rejects_unhashable_feature():
    _raises(lambda: Config(features=["x1", ["x2"]]), r"features contains \['x2'\]; allowed: x1")


def test_rebuild_error_names_the_task_and_the_fix():
    # Passes Config (bce pairs with sigmoid) but cannot fit a regression set.
    _raises(lambda: Trainer(dataset="plane"),
            r"loss='bce' cannot fit a regression dataset; use loss 'mse' or 'sse'")
    _raises(lambda: Trainer(dataset="plane", output_activation="softmax", loss="cross_entropy"),
            r"cross_entropy.*regression dataset")
    _raises(lambda: Trainer(dataset="spiral", n_classes=3, output_activation="step",
                            loss="perceptron"),
            r"output_activation='step' \(the perceptron\) separates 2 classes; this dataset has 3")


def test_generated_dataset_too_small_for_its_classes():
    _raises(lambda: Trainer(dataset="spiral", n_classes=3, n_samples=5),
            r"n_samples=5 is too few for 'spiral'; it needs at least 6 \(two per class\)")


# -- Trainer data and steps ----------------------------------------------------------------------
def _points(n=10):
    X = np.random.default_rng(0).uniform(-3, 3, (n, 2))
    return X, (X[:, 0] > 0).astype(np.int64)


def test_custom_dataset_needs_data():
    _raises(lambda: Trainer(dataset="custom"),
            r"dataset='custom' needs your points: Trainer\(data=\(X, y\)\)")


def _with_nan(A, index):
    A = A.astype(np.float64)
    A[index] = NAN
    return A


X10, Y10 = _points()
TRAINER_DATA_CASES = {
    "fewer labels than rows": ((X10, Y10[:9]),
                               r"X has 10 rows but y has 9 labels; they must match"),
    "more labels than rows": ((X10[:8], Y10),
                              r"X has 8 rows but y has 10 labels; they must match"),
    "NaN in X": ((_with_nan(X10, (3, 1)), Y10),
                 r"X holds a non-finite value .*nan.* at index \(3, 1\); every value must be "
                 r"a finite number"),
    "NaN in y": ((X10, _with_nan(Y10, 4)),
                 r"y holds a non-finite value .*nan.* at index \(4,\)"),
    "1-D X": ((X10[:, 0], Y10), r"X must be 2-D; got shape \(10,\)"),
    "2-D y": ((X10, Y10[:, None]), r"y must be 1-D; got shape \(10, 1\)"),
    "one point": ((X10[:1], Y10[:1]), r"data has 1 point; at least 2 are needed"),
    "negative class label": ((X10, Y10 * 2 - 1), r"class labels must be 0\.\.9; got -1\.\.1"),
    "too many classes": ((X10, np.arange(10) + 3), r"class labels must be 0\.\.9; got 3\.\.12"),
}


@pytest.mark.parametrize("data, match", TRAINER_DATA_CASES.values(),
                         ids=TRAINER_DATA_CASES.keys())
def test_trainer_rejects_bad_custom_data(data, match):
    _raises(lambda: Trainer(data=data), match)
    trainer = Trainer()
    _raises(lambda: trainer.replace_data(*data), match)


@pytest.mark.parametrize("train", [[True, False], np.ones(11, bool), np.ones((2, 5), bool)],
                         ids=["too short", "too long", "2-D"])
def test_replace_data_rejects_train_mask_of_wrong_shape(train):
    X, y = _points()
    trainer = Trainer()
    _raises(lambda: trainer.replace_data(X, y, train=train),
            rf"train has {np.size(train)} flags for 10 points")
    assert trainer.config.dataset == "circle"


def test_training_on_an_empty_training_set_says_to_add_points():
    X, y = _points()
    trainer = Trainer()
    trainer.replace_data(X, y, train=np.zeros(10, bool))  # allowed: the user may draw next
    _raises(lambda: trainer.step(1), r"training set is empty: add points before training")
    assert trainer.step_count == 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=-1), r"n=-1 is out of range; allowed from 0 to 10000000"),
    (dict(n=2.5), r"n=2\.5 must be a whole number from 0"),
    (dict(n=10_000_001), r"n=10000001 is out of range; allowed from 0 to 10000000"),
    (dict(n=1, max_seconds=-1), r"max_seconds=-1\.0 is out of range; allowed >= 0"),
    (dict(n=1, max_seconds=NAN), r"max_seconds=nan must be finite >= 0"),
], ids=["negative n", "float n", "n too big", "negative max_seconds", "NaN max_seconds"])
def test_trainer_step_rejects_bad_count(kwargs, match):
    trainer = Trainer()
    _raises(lambda: trainer.step(**kwargs), match)
    assert trainer.step_count == 0


# -- datasets.make and datasets.split ------------------------------------------------------------
MAKE_CASES = {
    "unknown name": (dict(name="cifar10"), r"name='cifar10' is not allowed; choose one of: "
                                           r"circle, xor, gaussian"),
    "n_samples 0": (dict(name="circle", n_samples=0), r"n_samples=0 is out of range; allowed "
                                                      r"from 1 to 100000"),
    "n_samples negative": (dict(name="xor", n_samples=-5), r"n_samples=-5 is out of range; "
                                                           r"allowed from 1"),
    "n_samples too few for the classes": (dict(name="circle", n_samples=3),
                                          r"n_samples=3 is too few for 'circle'; it needs at "
                                          r"least 4 \(two per class\)"),
    "n_samples too few for blobs": (dict(name="blobs", n_samples=7),
                                    r"n_samples=7 is too few for 'blobs'; it needs at least 8"),
    "n_samples too big": (dict(name="circle", n_samples=100_001),
                          r"n_samples=100001 is out of range; allowed from 1 to "
                          r"100000"),
    "n_samples a float": (dict(name="circle", n_samples=50.5),
                          r"n_samples=50\.5 must be a whole number"),
    "noise above 1": (dict(name="circle", noise=1.01),
                      r"noise=1\.01 is out of range; allowed from 0 to 1"),
    "noise negative": (dict(name="circle", noise=-0.2), r"noise=-0\.2 is out of range; allowed"),
    "noise NaN": (dict(name="circle", noise=NAN), r"noise=nan must be finite from 0"),
    "n_classes on circle": (dict(name="circle", n_classes=3),
                            r"n_classes=3 does not apply to 'circle', which has 2 classes; only "
                            r"spiral and blobs take n_classes"),
    "n_classes on regression": (dict(name="plane", n_classes=2),
                                r"n_classes=2 does not apply to 'plane', which has no classes; "
                                r"only spiral and blobs take n_classes"),
    "n_classes on a table": (dict(name="tutorial", n_classes=4),
                             r"n_classes=4 does not apply to 'tutorial'.*only spiral and blobs"),
    "n_classes 1 on spiral": (dict(name="spiral", n_classes=1),
                              r"n_classes=1 is out of range; allowed from 2 to 10"),
    "n_classes 11 on blobs": (dict(name="blobs", n_classes=11),
                              r"n_classes=11 is out of range; allowed from 2 to 10"),
    "seed negative": (dict(name="circle", seed=-1), r"seed=-1 is out of range; allowed from 0"),
}


@pytest.mark.parametrize("kwargs, match", MAKE_CASES.values(), ids=MAKE_CASES.keys())
def test_datasets_make_rejects_bad_argument(kwargs, match):
    _raises(lambda: datasets.make(**kwargs), match)


@pytest.mark.parametrize("args, match", [
    ((10, 0), r"train_ratio=0\.0 is out of range; allowed from 0 \(exclusive\) to 1"),
    ((10, -0.5), r"train_ratio=-0\.5 is out of range; allowed from 0 \(exclusive\)"),
    ((10, 1.5), r"train_ratio=1\.5 is out of range; allowed from 0 \(exclusive\) to 1"),
    ((10, NAN), r"train_ratio=nan must be finite"),
    ((0, 0.5), r"n=0 is out of range; allowed >= 1"),
], ids=["ratio 0", "ratio negative", "ratio above 1", "ratio NaN", "n 0"])
def test_datasets_split_rejects_bad_argument(args, match):
    _raises(lambda: datasets.split(*args), match)


@pytest.mark.parametrize("seed", [-1, 1.5], ids=["negative", "float"])
def test_datasets_split_rejects_bad_seed(seed):
    _raises(lambda: datasets.split(10, 0.5, seed=seed), rf"seed={seed}.* from 0")


# -- Trainer.from_dict ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_state():
    trainer = Trainer(optimizer="adam", hidden_layers=(3,))
    trainer.step(7)
    return json.loads(json.dumps(trainer.to_dict()))


def _state_with(saved_state, edit):
    d = copy.deepcopy(saved_state)
    edit(d)
    return d


def _truncate(field, n):
    def edit(d):
        d[field]["data"] = d[field]["data"][:-n]
    return edit


def _garble(field):
    def edit(d):
        d[field]["data"] = "!" * len(d[field]["data"])
    return edit


def _drop(*path):
    def edit(d):
        for key in path[:-1]:
            d = d[key]
        del d[path[-1]]
    return edit


def _set(value, *path):
    def edit(d):
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value
    return edit


FROM_DICT_CASES = {
    "wrong format": (_set("nncore.trainer/0", "format"),
                     r"state\.format must be 'nncore\.trainer/1'; got 'nncore\.trainer/0'"),
    "no format": (_drop("format"), r"state\.format must be 'nncore\.trainer/1'; got None"),
    "truncated base64 (bad padding)": (_truncate("theta", 3),
                                       r"theta\.data holds \d+ characters; shape \[\d+\] of "
                                       r"float64 needs \d+ bytes, \d+ characters of base64"),
    "truncated base64 (too few bytes)": (_truncate("theta", 4),
                                         r"theta\.data holds \d+ characters; shape \[\d+\] of "
                                         r"float64 needs \d+ bytes"),
    "not base64": (_garble("theta"), r"theta\.data is not valid base64"),
    "theta of the wrong size": (_set(array_to_json(np.zeros(5)), "theta"),
                                r"theta has shape \[5\]; this config's network has \d+ values"),
    "theta shape disagrees with its data": (_set([3], "theta", "shape"),
                                            r"theta has shape \[3\]; this config's network has"),
    "negative size in a shape": (_set([-1], "theta", "shape"),
                                 r"theta\.shape=\[-1\] must be a list of sizes"),
    "unsafe dtype": (_set("object", "theta", "dtype"),
                     r"theta\.dtype='object' is not allowed; allowed: float64"),
    "array not an object": (_set("AAAA", "theta"),
                            r"theta must be an object with dtype, shape and data"),
    "missing section": (_drop("optimizer"),
                        r"state is missing or has a malformed field: 'optimizer'"),
    "bad config value": (_set(-1, "config", "learning_rate"),
                         r"learning_rate=-1\.0 is out of range; allowed > 0"),
    "unknown config field": (_set(1, "config", "speed"),
                             r"'speed' is not a config field; allowed: dataset"),
    "position outside the training set": (_set(10_000, "progress", "position"),
                                          r"progress\.position=10000 is outside the training "
                                          r"set"),
}


@pytest.mark.parametrize("edit, match", FROM_DICT_CASES.values(), ids=FROM_DICT_CASES.keys())
def test_from_dict_rejects_malformed_state(saved_state, edit, match):
    _raises(lambda: Trainer.from_dict(_state_with(saved_state, edit)), match)


@pytest.mark.parametrize("not_a_dict", ["state", None, [1, 2]], ids=["str", "None", "list"])
def test_from_dict_rejects_non_object(not_a_dict):
    _raises(lambda: Trainer.from_dict(not_a_dict),
            rf"state\.format must be 'nncore\.trainer/1'; got '{type(not_a_dict).__name__}'")


def test_from_dict_rejects_training_index_out_of_range(saved_state):
    def edit(d):
        train = array_from_json(d["data"]["train"])
        train[0] = 10_000
        d["data"]["train"] = array_to_json(train)

    _raises(lambda: Trainer.from_dict(_state_with(saved_state, edit)),
            r"data\.train holds the index 10000; the points are 0 to 499")


def test_from_dict_rejects_optimizer_state_of_wrong_shape(saved_state):
    def edit(d):
        d["optimizer"]["state"]["exp_avg"] = [array_to_json(np.zeros(3))]

    def load_and_step():
        Trainer.from_dict(_state_with(saved_state, edit)).step(1)

    _raises(load_and_step, r"optimizer\.exp_avg has shape \[3\]; expected \(\d+\)")


def test_from_dict_rejects_malformed_rng_state(saved_state):
    bad = _state_with(saved_state, _set("abc", "rng", "shuffle", "state", "state"))
    _raises(lambda: Trainer.from_dict(bad), r"rng\.shuffle")


# -- every malformed part is refused, named, before a Trainer exists ------------------------
@pytest.fixture(scope="module")
def regression_state():
    trainer = Trainer(dataset="plane", output_activation="linear", loss="mse", momentum=0.5)
    trainer.step(5)
    return json.loads(json.dumps(trainer.to_dict()))


@pytest.fixture(scope="module")
def batch_norm_state():
    trainer = Trainer(batch_norm=True, hidden_layers=(4, 3), optimizer="rmsprop")
    trainer.step(6)
    return json.loads(json.dumps(trainer.to_dict()))


def _array(fn, *path):
    """An edit that decodes the array at `path`, applies fn (in place, or returns a new
    array) and encodes it back."""
    def edit(d):
        for key in path[:-1]:
            d = d[key]
        A = array_from_json(d[path[-1]])
        d[path[-1]] = array_to_json(A if (B := fn(A)) is None else B)
    return edit


def _put(index, value):
    def fn(A):
        A[index] = value
    return fn


def _edits(*edits):
    def edit(d):
        for e in edits:
            e(d)
    return edit


DIVERGED = {"step": 8, "loss": "inf", "what": "loss", "message": "step 8 gave a loss of inf"}
ADAM_STATE = ("optimizer", "state", "exp_avg_sq", 0)

MALFORMED_CASES = {
    # the data's extent
    "extent not a pair (NaN string)": (_set(["nan", 1], "data", "extent"),
                                       r"data\.extent=\['nan', 1\] must be \[lo, hi\]"),
    "extent empty": (_set([], "data", "extent"), r"data\.extent=\[\] must be \[lo, hi\]"),
    "extent of three": (_set([1, 2, 3], "data", "extent"), r"data\.extent=\[1, 2, 3\] must be"),
    "extent beyond the bound": (_set([-1e308, 1e308], "data", "extent"),
                                r"each within ±1e\+06"),
    "extent lo = hi": (_set([1.0, 1.0], "data", "extent"), r"lo < hi"),
    "extent reversed": (_set([2.0, -2.0], "data", "extent"), r"data\.extent=\[2\.0, -2\.0\]"),
    "extent of hundreds of digits": (_set([-(10**400), 1], "data", "extent"),
                                     r"data\.extent=.* must be \[lo, hi\]"),
    "extent not a list": (_set("wide", "data", "extent"), r"data\.extent=wide must be"),
    "extent of booleans": (_set([False, True], "data", "extent"), r"data\.extent="),
    # the points and labels
    "NaN in X": (_array(_put((3, 1), np.nan), "data", "X"),
                 r"data\.X holds nan at index \(3, 1\); every value must be a finite number"),
    "infinity in X": (_array(_put((0, 0), -np.inf), "data", "X"), r"data\.X holds -inf"),
    "too many points (before decoding)": (_set([10**7, 2], "data", "X", "shape"),
                                          r"data\.X holds 10000000 points; at most 1000000"),
    "too many inputs (before decoding)": (_set([500, 10**6], "data", "X", "shape"),
                                          r"data\.X has 1000000 inputs per point; allowed 1 to"),
    "no inputs": (_set([500, 0], "data", "X", "shape"), r"data\.X has 0 inputs per point"),
    "X as float32": (_array(lambda A: A.astype(np.float32), "data", "X"),
                     r"data\.X\.dtype='float32' is not allowed; allowed: float64"),
    "unknown task": (_set("clustering", "data", "task"),
                     r"data\.task='clustering' is not allowed; choose one of: classification"),
    "label beyond the classes": (_array(_put(4, 2), "data", "y"),
                                 r"data\.y holds the label 2; with data\.n_classes=2 the labels "
                                 r"are 0 to 1"),
    "negative label": (_array(_put(0, -1), "data", "y"), r"data\.y holds the label -1"),
    "labels as floats": (_array(lambda A: A.astype(np.float64), "data", "y"),
                         r"data\.y\.dtype='float64' is not allowed; allowed: int64"),
    "300 classes": (_set(300, "data", "n_classes"),
                    r"data\.n_classes=300 is out of range; allowed from 2 to 10"),
    "one class": (_set(1, "data", "n_classes"), r"data\.n_classes=1 is out of range"),
    "n_classes as text": (_set("2", "data", "n_classes"), r"data\.n_classes='2' must be"),
    # the split
    "a point twice in train": (_array(lambda A: np.concatenate([A[:1], A[:-1]]), "data",
                                      "train"), r"point \d+ is (more than once in|in neither)"),
    "train and test overlap": (_edits(_array(lambda A: A[:-1], "data", "train"),
                                      _array(lambda A: np.concatenate([A, [0]]), "data", "test")),
                               r"point \d+ is (more than once in|in neither) data\.train"),
    "negative index": (_array(_put(0, -3), "data", "test"), r"data\.test holds the index -3"),
    "more indices than points": (_array(lambda A: np.arange(600), "data", "train"),
                                 r"data\.train has 600 values; at most 500 are allowed"),
    "indices as floats": (_array(lambda A: A.astype(np.float64), "data", "train"),
                          r"data\.train\.dtype='float64' is not allowed; allowed: int64"),
    # the divergence record
    "diverged as a list": (_set([1, 2], "diverged"), r"diverged=\[1, 2\] must be null or"),
    "diverged as text": (_set("boom", "diverged"), r"diverged=boom must be null or"),
    "diverged without a message": (_set({"step": 8, "loss": 1.0, "what": "loss"}, "diverged"),
                                   r"diverged=.* must be null or"),
    "diverged at step 0": (_set({**DIVERGED, "step": 0}, "diverged"),
                           r"diverged\.step=0 is out of range; allowed from 1 to 8"),
    "diverged after the run": (_set({**DIVERGED, "step": 50}, "diverged"),
                               r"diverged\.step=50 is out of range"),
    "diverged loss as other text": (_set({**DIVERGED, "loss": "NaN!"}, "diverged"),
                                    r"diverged\.loss=NaN! must be a number or"),
    "diverged loss of hundreds of digits": (_set({**DIVERGED, "loss": 10**400}, "diverged"),
                                            r"diverged\.loss=.* is too large for a number"),
    "diverged what unknown": (_set({**DIVERGED, "what": "weights"}, "diverged"),
                              r"diverged\.what='weights' is not allowed"),
    "diverged message too long": (_set({**DIVERGED, "message": "x" * 5000}, "diverged"),
                                  r"diverged\.message must be text of at most 2000"),
    # the progress
    "negative step": (_set(-5, "progress", "step"), r"progress\.step=-5 is out of range"),
    "step 1e30": (_set(1e30, "progress", "step"), r"progress\.step=1e\+30 must be a whole"),
    "step of 31 digits": (_set(10**30, "progress", "step"), r"progress\.step=10{30} is out of"),
    "step as a float": (_set(7.0, "progress", "step"), r"progress\.step=7\.0 must be a whole"),
    "step as true": (_set(True, "progress", "step"), r"progress\.step=True must be a whole"),
    "epoch beyond the steps": (_set(9, "progress", "epoch"),
                               r"progress\.epoch=9 is out of range; allowed from 0 to 7"),
    "negative position": (_set(-1, "progress", "position"), r"progress\.position=-1 is out"),
    "perm of the wrong length": (_array(lambda A: A[:-1], "progress", "perm"),
                                 r"progress\.perm has shape \[249\]; expected \(250\)"),
    "perm not a permutation": (_array(_put(0, 1), "progress", "perm"),
                               r"progress\.perm is not a permutation of the training set"),
    "perm with an index out of range": (_array(_put(0, 250), "progress", "perm"),
                                        r"progress\.perm is not a permutation"),
    # the optimizer
    "negative t": (_set(-1, "optimizer", "t"), r"optimizer\.t=-1 is out of range"),
    "t beyond the steps": (_set(8, "optimizer", "t"),
                           r"optimizer\.t=8 is out of range; allowed from 0 to 7"),
    "a buffer missing": (_drop("optimizer", "state", "exp_avg"),
                         r"optimizer\.exp_avg does not fit adam's state"),
    "an unknown buffer": (_set([], "optimizer", "state", "velocity"),
                          r"optimizer\.velocity must be a list of one array"),
    "a buffer of float32": (_array(lambda A: A.astype(np.float32), *ADAM_STATE),
                            r"optimizer\.exp_avg_sq\.dtype='float32' is not allowed"),
    "NaN in a buffer": (_array(_put(2, np.nan), *ADAM_STATE),
                        r"optimizer\.exp_avg_sq holds a non-finite value"),
    "negative second moment": (_array(_put(1, -1.0), *ADAM_STATE),
                               r"optimizer\.exp_avg_sq holds a negative value"),
    # the random generators
    "not PCG64": (_set("MT19937", "rng", "shuffle", "bit_generator"),
                  r"rng\.shuffle\.bit_generator=MT19937 is not allowed"),
    "state as a number": (_set(12, "rng", "dropout", "state", "state"),
                          r"rng\.dropout\.state\.state=12 must be a whole number from 0 to"),
    "state of 2^128": (_set(str(2**128), "rng", "shuffle", "state", "state"),
                       r"rng\.shuffle\.state\.state=\d+ must be a whole number"),
    "state with a sign": (_set("-5", "rng", "shuffle", "state", "inc"),
                          r"rng\.shuffle\.state\.inc=-5 must be a whole number"),
    "even increment": (_set("4", "rng", "shuffle", "state", "inc"),
                       r"rng\.shuffle\.state\.inc=4 must be odd"),
    "has_uint32 of 2": (_set(2, "rng", "shuffle", "has_uint32"),
                        r"rng\.shuffle\.has_uint32=2 must be 0 or 1"),
    "uinteger too large": (_set(str(2**32), "rng", "shuffle", "uinteger"),
                           r"rng\.shuffle\.uinteger=4294967296 must be a whole number"),
    "generator state with an extra key": (_set(0, "rng", "shuffle", "extra"),
                                          r"rng\.shuffle=.* is not a generator state"),
    # the parameters
    "NaN in theta": (_array(_put(0, np.nan), "theta"), r"theta holds a non-finite value"),
    "theta of float32 for a float64 network": (_array(lambda A: A.astype(np.float32), "theta"),
                                               r"theta\.dtype='float32' is not allowed; "
                                               r"allowed: float64"),
    "batch norm statistics without batch norm": (
        _set([[array_to_json(np.zeros(3)), array_to_json(np.ones(3))]], "batch_norm"),
        r"batch_norm must list 0 \[running mean, running variance\] pairs"),
    # the structure
    "a config field missing": (_drop("config", "learning_rate"),
                               r"'learning_rate' is missing from config"),
    "config not an object": (_set([1, 2], "config"), r"config must be an object"),
    "features as one string": (_set("x1", "config", "features"),
                               r"features='x1' must be a list of features"),
    "config field named self": (_set(1, "config", "self"),
                                r"'self' is not a config field"),
    "an unknown top-level field": (_set(1, "extra"), r"state has an unknown field 'extra'"),
    "an unknown data field": (_set(1, "data", "weights"),
                              r"data has an unknown field 'weights'"),
    "data not an object": (_set(None, "data"), r"data must be an object"),
    "array data not text": (_set(12, "theta", "data"), r"theta\.data holds int characters"),
    "progress without perm": (_drop("progress", "perm"), r"'perm' is missing from progress"),
}


@pytest.mark.parametrize("edit, match", MALFORMED_CASES.values(), ids=MALFORMED_CASES.keys())
def test_from_dict_refuses_every_malformed_part(saved_state, edit, match):
    with pytest.raises(check.ArgumentError, match=match) as e:
        Trainer.from_dict(_state_with(saved_state, edit))
    assert e.value.field and e.value.allowed, "the error names the field and what is allowed"


REGRESSION_CASES = {
    "NaN target": (_array(_put(2, np.nan), "data", "y"), r"data\.y holds nan at index \(2,\)"),
    "infinite target": (_array(_put(0, np.inf), "data", "y"), r"data\.y holds inf"),
    "classes for regression": (_set(2, "data", "n_classes"),
                               r"data\.n_classes=2 is out of range; allowed from 0 to 0"),
    "integer targets": (_array(lambda A: A.astype(np.int64), "data", "y"),
                        r"data\.y\.dtype='int64' is not allowed; allowed: float64"),
    "momentum buffer of infinity": (_array(_put(0, np.inf), "optimizer", "state",
                                           "momentum_buffer", 0),
                                    r"optimizer\.momentum_buffer holds a non-finite value"),
    "classification task on regression targets": (_set("classification", "data", "task"),
                                                  r"data\.y\.dtype='float64' is not allowed"),
}


@pytest.mark.parametrize("edit, match", REGRESSION_CASES.values(), ids=REGRESSION_CASES.keys())
def test_from_dict_refuses_malformed_regression_state(regression_state, edit, match):
    _raises(lambda: Trainer.from_dict(_state_with(regression_state, edit)), match)


BATCH_NORM_CASES = {
    "negative variance": (_array(_put(1, -0.5), "batch_norm", 0, 1),
                          r"batch_norm\[0\] statistics must be .* variances >= 0"),
    "NaN mean": (_array(_put(0, np.nan), "batch_norm", 1, 0), r"batch_norm\[1\]"),
    "a layer's statistics missing": (lambda d: d["batch_norm"].pop(),
                                     r"batch_norm must list 2 \[running mean, running "
                                     r"variance\] pairs"),
    "statistics of the wrong width": (_set(array_to_json(np.zeros(5)), "batch_norm", 0, 0),
                                      r"batch_norm\[0\]\.mean has shape \[5\]; expected \(4\)"),
    "a square average below zero": (_array(_put(0, -1e-3), "optimizer", "state", "square_avg",
                                           0), r"optimizer\.square_avg holds a negative value"),
}


@pytest.mark.parametrize("edit, match", BATCH_NORM_CASES.values(), ids=BATCH_NORM_CASES.keys())
def test_from_dict_refuses_malformed_batch_norm_state(batch_norm_state, edit, match):
    _raises(lambda: Trainer.from_dict(_state_with(batch_norm_state, edit)), match)


def test_negative_variance_is_refused_by_load_state_too():
    net = MLP([2, 3, 1], batch_norm=True)
    with pytest.raises(check.ArgumentError, match=r"batch_norm\[0\] statistics must be"):
        net.load_state(net.theta.copy(), [(np.zeros(3), -np.ones(3))])


def test_sizes_are_checked_before_anything_is_decoded_or_built(saved_state):
    """A state whose headers claim huge arrays is refused by its headers: the config of the
    engine's largest network (64 layers of 4096, ~10⁹ parameters) with a small theta is
    refused before a network is built, and quickly."""
    def giant(d):
        d["config"]["hidden_layers"] = [4096] * 64

    started = time.perf_counter()
    _raises(lambda: Trainer.from_dict(_state_with(saved_state, giant)),
            r"theta has shape \[13\]; this config's network has 1057\d+ values")
    _raises(lambda: Trainer.from_dict(_state_with(
        saved_state, _set([2**62, 2**62], "data", "X", "shape"))), r"data\.X holds \d+ points")
    _raises(lambda: Trainer.from_dict(_state_with(
        saved_state, _set([2**40, 0], "theta", "shape"))), r"theta has shape")
    assert time.perf_counter() - started < 1.0


def test_from_dict_takes_the_callers_limits(saved_state):
    _raises(lambda: state.trainer_from_dict(Trainer, saved_state, max_points=100),
            r"data\.X holds 500 points; at most 100 are allowed")
    _raises(lambda: state.trainer_from_dict(Trainer, saved_state, max_inputs=1),
            r"data\.X has 2 inputs per point; allowed 1 to 1")


@pytest.mark.parametrize("config", [
    dict(), dict(bias=False), dict(batch_norm=True, hidden_layers=(5, 3, 2)),
    dict(batch_norm=True, bias=False, hidden_layers=(4,)), dict(hidden_layers=()),
    dict(dataset="blobs", n_classes=4), dict(dataset="spiral", n_classes=3,
                                              output_activation="softmax",
                                              loss="cross_entropy", features=("x1", "x2sq")),
    dict(dataset="tutorial", hidden_layers=(6,)),
], ids=["default", "no bias", "batch norm", "batch norm without bias", "no hidden layer",
        "four blobs", "softmax with features", "three inputs"])
def test_parameter_count_is_the_networks_size(config):
    trainer = Trainer(**config)
    assert state.parameter_count(trainer.config, trainer.data) == trainer.net.theta.size


def test_a_divergence_saves_as_strict_json_and_loads_back():
    trainer = Trainer(dataset="plane", output_activation="linear", loss="mse",
                      learning_rate=10.0, activation="relu", dtype="float32")
    report = trainer.step(2000)
    assert report.diverged is not None and not math.isfinite(report.diverged["loss"])
    text = json.dumps(trainer.to_dict(), allow_nan=False)  # no NaN or Infinity in the JSON
    restored = Trainer.from_dict(json.loads(text))
    assert restored.diverged["what"] == trainer.diverged["what"]
    assert str(restored.diverged["loss"]) == str(trainer.diverged["loss"])
    assert json.dumps(restored.to_dict(), allow_nan=False) == text


def test_a_state_without_perm_below_full_batch_restores_exactly(saved_state):
    """No shuffled order saved (perm null) means the training points in their own order until
    the epoch ends, even when a batch is smaller than the training set."""
    d = _state_with(saved_state, _edits(_set(None, "progress", "perm"),
                                        _set(30, "progress", "position")))
    restored = Trainer.from_dict(d)
    assert restored.perm is None and np.array_equal(restored._Xs, restored.X_train)
    assert json.loads(json.dumps(restored.to_dict())) == d
    restored.step(25)  # through the end of the epoch, and into a shuffled one
    assert restored.epoch == saved_state["progress"]["epoch"] + 1 and restored.perm is not None


def test_restore_refuses_a_raw_data_of_the_wrong_kind():
    trainer = Trainer()
    parts = dict(theta=trainer.net.theta, batch_norm=[], optimizer={"t": 0, "state": {}},
                 shuffle_rng=trainer.shuffle_rng, dropout_rng=trainer.net.dropout_rng,
                 progress={"step": 0, "epoch": 0, "position": 0, "perm": None})
    d = trainer.data
    bad = Data(d.X, d.y.astype(np.float64), d.train, d.test, d.task, d.n_classes, d.extent)
    _raises(lambda: Trainer.restore(trainer.config, bad, **parts),
            r"data\.y must hold 500 int64 labels")
    bad = Data(d.X, d.y, d.train, d.test, d.task, d.n_classes, (float("nan"), 1.0))
    _raises(lambda: Trainer.restore(trainer.config, bad, **parts), r"data\.extent=\[nan, 1\.0\]")
    _raises(lambda: Trainer.restore(trainer.config, d, **{**parts, "shuffle_rng": 7}),
            r"rng\.shuffle must be a numpy Generator")


# -- a failed set() changes nothing ---------------------------------------------------------
FAILED_SET_CASES = {
    "bad live value": dict(learning_rate=-1),
    "good live value with a bad one": dict(learning_rate=0.5, momentum=1.5),
    "unknown field": dict(speed=3),
    "bad rebuild field": dict(hidden_layers=(4, 0)),
    "choosing custom directly": dict(dataset="custom"),
    "loss that does not pair with the output": dict(loss="cross_entropy"),
    "too few samples for the new classes": dict(dataset="spiral", n_classes=3, n_samples=5),
    # These pass Config and fail inside the rebuild, after the new data was made:
    "regression data with bce asked for": dict(dataset="plane", loss="bce"),
    "perceptron on three classes": dict(dataset="spiral", n_classes=3,
                                        output_activation="step", loss="perceptron"),
    "live change with a failing rebuild": dict(learning_rate=0.5, dataset="gaussians",
                                               output_activation="softmax",
                                               loss="cross_entropy"),
}


@pytest.mark.parametrize("changes", FAILED_SET_CASES.values(), ids=FAILED_SET_CASES.keys())
def test_failed_set_keeps_config_steps_and_weights(changes):
    trainer, twin = Trainer(momentum=0.5), Trainer(momentum=0.5)
    trainer.step(13)
    twin.step(13)
    config, net, optimizer, data = trainer.config, trainer.net, trainer.optimizer, trainer.data
    theta, opt_t = trainer.net.theta.copy(), optimizer.t
    buffer = optimizer.state["momentum_buffer"][0].copy()

    with pytest.raises(ValueError):
        trainer.set(**changes)

    assert trainer.config is config
    assert trainer.step_count == 13
    assert trainer.net is net and np.array_equal(trainer.net.theta, theta)
    assert trainer.optimizer is optimizer and optimizer.t == opt_t
    assert optimizer.learning_rate == config.learning_rate
    assert np.array_equal(optimizer.state["momentum_buffer"][0], buffer)
    assert trainer.data is data
    # Training carries on exactly as if set() had never been called (same batches, same rng).
    trainer.step(9)
    twin.step(9)
    assert np.array_equal(trainer.net.theta, twin.net.theta)


def test_failed_rebuild_keeps_the_old_data_and_inputs():
    trainer = Trainer(dataset="xor", features=("x1", "x2", "x1x2"))
    X_train = trainer.X_train.copy()
    with pytest.raises(ValueError, match="regression"):
        trainer.set(dataset="plane", features=("x1",), loss="bce")  # bce asked for: refused
    assert trainer.config.dataset == "xor" and trainer.config.features == ("x1", "x2", "x1x2")
    assert trainer.data.task == "classification"
    assert np.array_equal(trainer.X_train, X_train)
    assert trainer.net.sizes[0] == 3
