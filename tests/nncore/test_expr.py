"""What an activation or a feature computes, said once in nncore.expr's language, equals the
engine's NumPy code: the page evaluates these strings, so they must be exactly the math."""

import re

import numpy as np
import pytest

from nncore import ACTIVATIONS, FEATURES, expr


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.expression],
                         ids=[n for n, a in ACTIVATIONS.items() if a.expression])
def test_every_activations_expression_is_its_forward(name):
    act = ACTIVATIONS[name]
    z = np.concatenate([np.linspace(-30, 30, 2001), [0.0, -0.0, 1e-300, -1e-300]])
    for dtype in (np.float64, np.float32):
        Z = z.astype(dtype)
        np.testing.assert_array_equal(expr.evaluate(act.expression, z=Z), act.forward(Z))


def test_softmax_alone_has_no_elementwise_expression():
    assert [n for n, a in ACTIVATIONS.items() if a.expression is None] == ["softmax"]


@pytest.mark.parametrize("name", list(FEATURES))
def test_every_features_expression_is_its_function(name):
    x1, x2 = np.meshgrid(np.linspace(-6, 6, 41), np.linspace(-6, 6, 37))
    f = FEATURES[name]
    np.testing.assert_array_equal(expr.evaluate(f.expression, x1=x1, x2=x2), f.function(x1, x2))


@pytest.mark.parametrize("text, value", [
    ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9.0), ("-2 * -3", 6.0), ("8 / 4 / 2", 1.0),
    ("2 >= 2", 1.0), ("1 > 2", 0.0), ("max(1, -1) + min(1, -1)", 0.0), ("1e-2 * 100", 1.0),
    ("abs(-3) - 3", 0.0),
])
def test_the_grammar(text, value):
    assert float(expr.evaluate(text)) == value


@pytest.mark.parametrize("text, message", [
    ("1 +", "unexpected None"), ("foo(1)", "'foo' is not a function"), ("1 $ 2", "cannot read"),
    ("(1", "expected )"), ("1 2", "unexpected 2"),
])
def test_a_bad_expression_is_named(text, message):
    with pytest.raises(ValueError, match=re.escape(f"expression {text!r}")) as e:
        expr.parse(text)
    assert message in str(e.value)
