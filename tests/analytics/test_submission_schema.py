"""The submission schema: the documented JSON Schema is the code's, and coded values are checked."""

import json
from pathlib import Path

import pytest

from egide_analytics.submission import VARIABLES, VariableError, clean_variables, json_schema

DOCUMENTED = Path(__file__).parents[2] / "docs" / "observatory" / "submission-1.0.schema.json"


def test_the_documented_json_schema_is_the_one_the_code_writes():
    assert json.loads(DOCUMENTED.read_text(encoding="utf-8")) == json_schema()


def test_every_variable_but_the_status_defaults_to_unknown_or_empty():
    cleaned = clean_variables({"status": "identified"})
    assert set(cleaned) == {v.name for v in VARIABLES}
    assert cleaned["forms"] == [] and cleaned["sex"] == "unknown" and cleaned["region_of_origin"] == "unknown"


def test_the_region_comes_from_the_nationality_unless_given():
    assert clean_variables({"status": "supported", "nationality": "ROU"})["region_of_origin"] == "europe_eu"
    given = clean_variables({"status": "supported", "nationality": "ROU", "region_of_origin": "asia"})
    assert given["region_of_origin"] == "asia"


@pytest.mark.parametrize(
    ("raw", "variable", "fragment"),
    [
        ({"status": ""}, "status", "obligatoire"),
        ({"status": "supported", "nationality": "ZZZ"}, "nationality", "ZZZ"),
        ({"status": "supported", "forms": "SEXUAL|SLAVERY"}, "forms", "SLAVERY"),
        ({"status": "supported", "name": "Ana"}, "name", "inconnue"),
    ],
)
def test_a_bad_value_is_refused_in_french_naming_the_variable(raw, variable, fragment):
    with pytest.raises(VariableError) as error:
        clean_variables(raw)
    assert error.value.variable == variable and fragment in error.value.message
