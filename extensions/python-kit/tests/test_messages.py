"""Version negotiation and the typed bodies (SPEC §4.2, §5)."""
from __future__ import annotations

import pytest

from pyforge_extension_kit import (ConvertRequest, ConvertResult, Extension, InvalidParams, ProbeRequest, ProbeResult,
                                   negotiate)
from pyforge_extension_kit.messages import convert_result_json, probe_result_json


def test_negotiation_picks_the_highest_common_version_numerically():
    assert negotiate(["1.0", "1.1"], ["1.0", "1.1"]) == "1.1"
    assert negotiate(["1.0", "1.1"], ["1.0"]) == "1.0"
    assert negotiate(["1.9", "1.10"], ["1.10", "1.9"]) == "1.10"
    assert negotiate(["1.0"], ["2.0", "99.0"]) is None
    # Entries that are not versions are ignored, not fatal.
    assert negotiate(["1.0"], [1, None, "x", "1.0"]) == "1.0"


def test_extension_refuses_versions_the_kit_does_not_implement():
    with pytest.raises(ValueError):
        Extension("x", "1", protocol_versions=["2.0"])
    with pytest.raises(ValueError):
        Extension("x", "1", protocol_versions=[])


def test_probe_request_parses_and_keeps_unknown_members():
    params = {"input": {"path": "a.csv", "format": "csv", "size": 3}, "output": {"path": "a.pq", "format": "parquet"},
              "options": {"engine": "spark", "force": True, "future": 1}, "environment": {"x": 1}}
    request = ProbeRequest.from_json(7, params, "1.1")
    assert request.input.path == "a.csv" and request.input.size == 3 and request.output.size is None
    assert (request.options.engine, request.options.force, request.options.direct) == ("spark", True, False)
    assert request.params["environment"] == {"x": 1} and request.options.raw["future"] == 1


def test_protocol_1_2_is_implemented_and_a_delta_request_carries_its_mode():
    assert negotiate(["1.0", "1.1", "1.2"], ["1.0", "1.1", "1.2"]) == "1.2"
    Extension("x", "1", protocol_versions=["1.0", "1.1", "1.2"])  # accepted: the kit speaks 1.2
    params = {"input": {"path": "a.csv", "format": "csv"}, "output": {"path": "t", "format": "delta"},
              "options": {"engine": "auto", "force": False, "direct": False, "mode": "append"}, "progressToken": "convert"}
    request = ConvertRequest.from_json(3, params, "1.2")
    assert request.output.format == "delta" and request.options.mode == "append" and request.options.table is None
    # Under 1.0 the host sends no options: every member has its default.
    old = ConvertRequest.from_json(3, {k: v for k, v in params.items() if k != "options"}, "1.0")
    assert (old.options.engine, old.options.force, old.options.direct, old.options.mode) == (None, False, False, None)


@pytest.mark.parametrize("params, detail", [
    (None, "input is missing"),
    ([], "params must be an object"),
    ({"input": {"path": "a", "format": "csv"}}, "output is missing"),
    ({"input": {"path": 3, "format": "csv"}, "output": {"path": "b", "format": "x"}}, "input.path must be a string"),
    ({"input": {"path": "a", "format": "csv", "size": -1}, "output": {"path": "b", "format": "x"}}, "size"),
    ({"input": {"path": "a", "format": "csv", "size": True}, "output": {"path": "b", "format": "x"}}, "size"),
])
def test_invalid_params_are_rejected(params, detail):
    with pytest.raises(InvalidParams, match=detail):
        ConvertRequest.from_json(1, params, "1.0")


def test_null_optional_members_count_as_absent():
    request = ConvertRequest.from_json(1, {"input": {"path": "a", "format": "csv", "size": None},
                                           "output": {"path": "b", "format": "x"}, "progressToken": None,
                                           "options": None}, "1.0")
    assert request.progress_token is None and request.input.size is None and request.options.force is False


def test_results_serialise_without_nulls():
    assert ProbeResult.declining("CSV only").to_json() == {"accept": False, "reason": "CSV only"}
    assert ProbeResult.accepting(priority=5).to_json() == {"accept": True, "priority": 5}
    assert ConvertResult(rows=3).to_json("me") == {"rows": 3, "engine": "me", "warnings": []}
    assert convert_result_json({"rows": 2, "extra": 1}, "me") == {"rows": 2, "engine": "me", "warnings": [], "extra": 1}
    assert probe_result_json({"accept": True, "reason": None}) == {"accept": True}


@pytest.mark.parametrize("value", [ConvertResult(rows=-1), ConvertResult(rows=True), ConvertResult(rows=1, warnings=[3]),
                                   {"engine": "x"}, None, 3])
def test_invalid_convert_results_are_refused(value):
    with pytest.raises(TypeError):
        convert_result_json(value, "me")


@pytest.mark.parametrize("value", [ProbeResult(accept="yes"), {"accept": 1}, True, None])
def test_invalid_probe_results_are_refused(value):
    with pytest.raises(TypeError):
        probe_result_json(value)
