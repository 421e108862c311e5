"""The page's schema narrows nncore's settings and never widens them."""

import pytest

from app import schema
from nncore.config import APPLIES, SETTINGS


@pytest.mark.parametrize("field", schema.FIELDS, ids=[f.name for f in schema.FIELDS])
def test_no_limit_in_the_app_is_wider_than_the_engines(field):
    core, narrowed = SETTINGS[field.name], field.setting
    assert narrowed.within(core), (field.name, narrowed.allowed, core.allowed)
    assert narrowed.kind == core.kind == field.type
    if core.lo is not None:
        assert field.min >= core.lo
    if core.hi is not None:
        assert field.max is not None and field.max <= core.hi
    assert set(field.choices) <= set(core.choices)
    assert field.setting.check(field.name, field.default) is not None  # the default passes


def test_the_schema_covers_every_config_field_and_its_apply():
    assert {f.name for f in schema.FIELDS} == set(SETTINGS)
    for f in schema.FIELDS:
        assert f.apply == ("live" if APPLIES[f.name] == "live" else "rebuild")


def test_a_narrowed_value_is_refused_by_the_app_with_the_engines_check():
    with pytest.raises(schema.FieldError) as e:
        schema.validate_changes({"hidden_layers": [4, 129]})
    assert e.value.field == "hidden_layers"
    assert e.value.allowed == "a list of at most 8 whole numbers, each from 1 to 128"
    assert "hidden_layers[1]=129 is out of range" in str(e.value)


def test_every_numeric_field_has_bounds_for_its_control():
    for f in schema.FIELDS:
        if f.type in ("int", "float"):
            assert f.min is not None and f.max is not None, f.name
