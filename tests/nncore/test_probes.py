"""The plane probe: every neuron's map and the output map over the input plane, computed with
points as columns and each layer's bias and batch norm folded into one matrix, equal the
network's own evaluation-mode pass (MLP.infer, rows of points) at every grid point."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nncore import MLP, probes
from nncore import features as feats

FEATURES = ("x1", "x2", "x1sq", "sinx1")
EXTENT = (-6.0, 6.0)


def trained(sizes, activation, output_activation, loss, bias, batch_norm, seed):
    """A network a few steps into training (so batch norm's running statistics are not the
    identity), in float64."""
    net = MLP(sizes, activation=activation, output_activation=output_activation, loss=loss,
              bias=bias, batch_norm=batch_norm, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(*EXTENT, size=(64, sizes[0]))
    k = sizes[-1]
    Y = (np.eye(k)[rng.integers(0, k, 64)] if loss == "cross_entropy"
         else rng.integers(0, 2, (64, 1)).astype(float))
    for _ in range(5):
        _, grads = net.loss_and_grads(X, Y)
        for P, G in zip(net.params, grads):
            P -= 0.1 * G
        for layer in net.layers:
            if layer.bn is not None:
                layer.bn.commit()
    return net


@settings(max_examples=40, deadline=None)
@given(hidden=st.lists(st.integers(1, 9), min_size=0, max_size=4),
       activation=st.sampled_from(["tanh", "relu", "sigmoid", "leaky_relu", "linear"]),
       classes=st.sampled_from([1, 3]), bias=st.booleans(), batch_norm=st.booleans(),
       densities=st.sampled_from([(4, 7), (8, 8), (5, 70)]), seed=st.integers(0, 2**16))
def test_the_plane_probe_equals_the_networks_own_pass(hidden, activation, classes, bias,
                                                      batch_norm, densities, seed):
    if classes == 1:
        output_activation, loss = "sigmoid", "bce"
    else:
        output_activation, loss = "softmax", "cross_entropy"
    sizes = [len(FEATURES), *hidden, classes]
    net = trained(sizes, activation, output_activation, loss, bias, batch_norm and hidden != [],
                  seed)
    Dn, Do = densities
    probe = probes.PlaneProbe(FEATURES, EXTENT, Dn, Do, dtype=np.float64)
    probe.CHUNK = 1000  # (5, 70): 4,900 points in five chunks, the last one short
    output, layers = probe.run(net)
    for D, got in ((Dn, [A for A in layers]), (Do, [output])):
        expected = net.infer(feats.apply(FEATURES, probes.grid(EXTENT, D)))
        expected = [A for _, A in expected] if len(got) > 1 else [expected[-1][1]]
        assert [A.shape for A in got] == [A.shape for A in expected]
        for A, B in zip(got, expected):
            np.testing.assert_allclose(A, B, rtol=1e-9, atol=1e-12)


def test_a_probe_reused_after_the_network_changes_shape_gives_the_new_networks_maps():
    probe = probes.PlaneProbe(FEATURES[:2], EXTENT, 6, 12, dtype=np.float64)
    for sizes in ([2, 3, 1], [2, 5, 4, 1], [2, 3, 1]):
        net = trained(sizes, "tanh", "sigmoid", "bce", True, False, len(sizes))
        output, layers = probe.run(net)
        X = feats.apply(FEATURES[:2], probes.grid(EXTENT, 12))
        np.testing.assert_allclose(output, net.infer(X)[-1][1], rtol=1e-9, atol=1e-12)
        assert [A.shape[1] for A in layers] == sizes[1:]


def test_float32_maps_are_within_float32_rounding_of_float64():
    net = trained([2, 8, 8, 8, 8, 8, 8, 1], "tanh", "sigmoid", "bce", True, True, 3)
    exact, _ = probes.PlaneProbe(FEATURES[:2], EXTENT, 32, 100, dtype=np.float64).run(net)
    single, _ = probes.PlaneProbe(FEATURES[:2], EXTENT, 32, 100).run(net)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, exact, atol=1e-5)
