"""Parameter coercion as SDK_API.md decides it."""
import pytest
from panoramasdk.parameters import ParameterError, build_parameters, parse_assignments

DECLARED = (
    ("float", "threshold", "Minimum confidence", 0.1),
    ("float", "person_index", "Person class", 14),
    ("model", "model_name", "Model", "people-ssd"),
    ("int", "count", "A count", 3),
    ("uint32", "big", "Unsigned", 7),
    ("byte", "level", "A byte", 10),
    ("bool", "enabled", "Switch", False),
    ("string", "label", "Text", "hello"),
    ("rect", "zone", "Zone", (0.0, 0.0, 1.0, 1.0)),
)


def test_defaults_keep_declared_types():
    p = build_parameters(DECLARED)
    assert p.threshold == 0.1 and isinstance(p.threshold, float)
    # a float parameter with an int default stays an int: apps use it in range() and slices
    assert p.person_index == 14 and isinstance(p.person_index, int)
    assert list(range(p.person_index))[-1] == 13
    assert p.model_name == "people-ssd"
    assert p.enabled is False
    assert p.zone == (0.0, 0.0, 1.0, 1.0)


def test_overrides_from_strings_are_coerced():
    p = build_parameters(DECLARED, {"threshold": "0.6", "person_index": "15", "count": "42", "big": "4294967295",
                                    "enabled": "true", "label": "x", "zone": "0.1,0.2,0.3,0.4"})
    assert p.threshold == 0.6
    assert p.person_index == 15 and isinstance(p.person_index, int)
    assert p.count == 42 and p.big == 2**32 - 1 and p.enabled is True
    assert p.zone == (0.1, 0.2, 0.3, 0.4)


def test_fractional_override_of_int_default_float_becomes_float():
    p = build_parameters(DECLARED, {"person_index": "14.5"})
    assert p.person_index == 14.5 and isinstance(p.person_index, float)


def test_one_element_tuple_with_trailing_comma():
    p = build_parameters((("float", "threshold", "t", 0.5),))
    assert p.threshold == 0.5


@pytest.mark.parametrize("name,value,fragment", [
    ("count", "abc", "cannot convert 'abc'"),
    ("count", "1.5", "expected an integer"),
    ("big", "-1", "outside 0..4294967295"),
    ("level", "256", "outside 0..255"),
    ("enabled", "maybe", "expected true/false/1/0"),
    ("zone", "1,2", "expected 4 numbers"),
])
def test_bad_values_name_parameter_and_type(name, value, fragment):
    with pytest.raises(ParameterError) as info:
        build_parameters(DECLARED, {name: value})
    assert repr(name) in str(info.value) and fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_unknown_parameter_lists_known_names():
    with pytest.raises(ParameterError, match="unknown parameter 'thresh'.*threshold \\(float\\)"):
        build_parameters(DECLARED, {"thresh": "1"})


def test_unknown_attribute_is_attribute_error_listing_names():
    p = build_parameters(DECLARED)
    with pytest.raises(AttributeError, match="known parameters: .*threshold"):
        p.nope  # noqa: B018


def test_unknown_type_in_interface():
    with pytest.raises(ParameterError, match="unknown type 'double'"):
        build_parameters((("double", "x", "", 1.0),))


def test_parse_assignments():
    assert parse_assignments(["a=1", "b=x=y"]) == {"a": "1", "b": "x=y"}
    with pytest.raises(ParameterError, match="expected NAME=VALUE"):
        parse_assignments(["novalue"])
