"""Settings are declared once and checked by one piece of code."""

import dataclasses

import pytest

from nncore import Config, MLP, optimizers
from nncore.config import APPLIES, DATA_FIELDS, LIVE, SETTINGS
from nncore.model import SETTINGS as NETWORK
from nncore.optimizers import HYPERPARAMETERS
from nncore.spec import Setting
from nncore.validation import ArgumentError


def test_every_config_field_declares_a_setting_its_default_passes():
    for f in dataclasses.fields(Config):
        setting = f.metadata["setting"]
        assert isinstance(setting, Setting), f.name
        assert setting.check(f.name, f.default) == f.default, f.name
        assert APPLIES[f.name] in ("live", "rebuild", "data"), f.name


def test_live_and_data_fields_come_from_the_declarations():
    assert LIVE == {n for n, a in APPLIES.items() if a == "live"}
    assert DATA_FIELDS == {n for n, a in APPLIES.items() if a == "data"}
    assert "learning_rate" in LIVE and "hidden_layers" not in LIVE and "noise" in DATA_FIELDS


def test_config_uses_the_settings_the_model_and_optimizers_declare():
    """One declaration: the Config's setting IS the object the owner checks with."""
    for name, setting in HYPERPARAMETERS.items():
        if name in SETTINGS:
            assert SETTINGS[name] is setting, name
    for name, setting in NETWORK.items():
        assert SETTINGS[name] is setting, name


@pytest.mark.parametrize("name, bad", [("momentum", 1.0), ("beta1", 1.0), ("eps", 0.0),
                                       ("alpha", -0.1), ("learning_rate", 0.0)])
def test_optimizer_config_and_setting_refuse_alike(name, bad):
    messages = set()
    with pytest.raises(ArgumentError) as e:
        SETTINGS[name].check(name, bad)
    messages.add(str(e.value))
    with pytest.raises(ArgumentError) as e:
        Config(**{name: bad})
    messages.add(str(e.value))
    opt = {"beta1": optimizers.Adam, "eps": optimizers.Adam,
           "alpha": optimizers.RMSProp}.get(name, optimizers.SGD)
    with pytest.raises(ArgumentError) as e:
        opt(**{name: bad})
    messages.add(str(e.value))
    assert len(messages) == 1, messages


@pytest.mark.parametrize("name, bad", [("dropout", 0.96), ("l2", 11.0), ("activation", "gelu")])
def test_network_config_and_setting_refuse_alike(name, bad):
    with pytest.raises(ArgumentError) as a:
        Config(**{name: bad})
    with pytest.raises(ArgumentError) as b:
        MLP([2, 3, 1], **{name: bad})
    assert str(a.value) == str(b.value)


def test_narrow_refuses_to_widen():
    rate = Setting.number(0.0, 1.0)
    assert rate.narrow(hi=0.5).allowed == "a number from 0 to 0.5"
    for wider in ({"hi": 2.0}, {"lo": -1.0}, {"hi": None}):
        with pytest.raises(ValueError, match="allows more than the engine's"):
            rate.narrow(**wider)
    names = Setting.choice(("a", "b"))
    assert names.narrow(choices=("a",)).choices == ("a",)
    with pytest.raises(ValueError):
        names.narrow(choices=("a", "c"))
    layers = Setting.int_list(1, 64, 8, "layer width")
    with pytest.raises(ValueError):
        layers.narrow(max_length=9)
    with pytest.raises(ValueError):
        layers.narrow(max_length=None)


def test_within_respects_open_bounds():
    positive = Setting.number(0.0, lo_open=True)
    assert Setting.number(1e-5, 10.0).within(positive)
    assert not Setting.number(0.0, 10.0).within(positive)  # would allow 0
    assert Setting.number(0.0, 10.0, lo_open=True).within(positive)
    assert not Setting.integer(0, 5).within(Setting.number(0.0, 5.0))  # another kind


@pytest.mark.parametrize("setting, value, message", [
    (Setting.integer(1, 3), 4, r"n=4 is out of range; allowed from 1 to 3"),
    (Setting.integer(1, 3), 2.5, r"n=2\.5 must be a whole number from 1 to 3"),
    (Setting.integer(0, 9), 10**100, r"n=1000000000.*\.\.\. is out of range; allowed from 0"),
    (Setting.number(0.0, 1.0), 10**400, r"n=1000000000.*\.\.\. is out of range; allowed from"),
    (Setting.number(0.0, lo_open=True), 0.0, r"n=0\.0 is out of range; allowed > 0"),
    (Setting.number(0.0, 1.0), float("nan"), r"n=nan must be finite from 0 to 1"),
    (Setting.boolean(), 1, r"n=1 must be true or false"),
    (Setting.choice(("a", "b")), "c", r"n='c' is not allowed; choose one of: a, b"),
    (Setting.int_list(1, 4, 2, "width"), [1, 2, 3], r"n has 3 entries; at most 2"),
    (Setting.int_list(1, 4, 2, "width"), [1, 5], r"n\[1\]=5 is out of range; allowed from 1"),
    (Setting.int_list(1, 4, 2, "width"), "1,2", r"n='1,2' must be a list of widths"),
    (Setting.choice_list(("a", "b"), "name"), ["a", "a"], r"names a name twice"),
    (Setting.choice_list(("a", "b"), "name"), [], r"selects no name"),
])
def test_a_refusal_names_the_field_the_value_and_what_is_allowed(setting, value, message):
    with pytest.raises(ArgumentError, match=message) as e:
        setting.check("n", value)
    assert e.value.field == "n" and e.value.allowed == setting.allowed
