"""Every reference case of docs/agreement.md §10 (tests/data/agreement_cases.json), run through the public API.

One parametrised runner: the case's ``input`` goes to the function named by ``measure``; every key of
``expected`` is compared recursively (numbers within the case's ``tolerance`` or 5e-4).  Inputs stated in words
and companion figures that need a second call are handled by a small adapter per case id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import annotator.agreement as agreement
import pytest

CASES = json.loads((Path(__file__).resolve().parents[1] / "data" / "agreement_cases.json").read_text(encoding="utf-8"))
TOL = 5e-4


def _expand(words: str) -> list[int]:
    """"46 x 0, then 44 x 1, then 10 x 2" → [0]*46 + [1]*44 + [2]*10."""
    out: list[int] = []
    for count, value in re.findall(r"(\d+) x (\d+)", words):
        out += [int(value)] * int(count)
    return out


# adapters: case -> (result dict, {expected key: check(got_result, expected_value)})
Check = Callable[[dict[str, Any], Any], None]


def _default(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Check]]:
    return getattr(agreement, case["measure"])(**case["input"]), {}


def _cohen_3x3(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Check]]:
    result = agreement.cohen_kappa(**case["input"])
    cats = case["input"]["table"]["categories"]
    half = [[0.0 if x == y else (0.5 if "Chck" in (x, y) else 1.0) for y in cats] for x in cats]
    weighted = agreement.cohen_kappa_weighted(table=case["input"]["table"], categories_in_order=cats, weights=half)
    result["weighted_kappa_with_Chck_half"] = weighted["weighted"]
    return result, {}


def _cohen_words(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Check]]:
    inp = dict(case["input"])
    inp["a"], inp["b"] = _expand(inp["a"]), _expand(inp["b"])
    assert len(inp["a"]) == len(inp["b"]) == 100
    return agreement.cohen_kappa_weighted(**inp), {}


def _gamma_fixture(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Check]]:
    result = agreement.gamma_observed_disorder(**case["input"])

    def gamma_check(_: dict[str, Any], want: float) -> None:
        # pygamma's value depends on its global legacy RNG (seed 2 gives 0.8966): our own sampler with an
        # explicit seed lands within a few hundredths
        got = agreement.gamma(**case["input"], seed=1, n_samples=30)
        assert got["seed"] == 1 and got["samples"] == 30 and got["sampler"] == "StatisticalContinuumSampler"
        assert abs(got["gamma"] - want) <= 0.05, got["gamma"]

    return result, {"gamma_seed_1_default_sampler_30_samples": gamma_check,
                    "observed_disorder": lambda r, want: _assert_exact_4(r["observed_disorder"], want)}


def _assert_exact_4(got: float, want: float) -> None:
    """δ_o is deterministic: the published 4-decimal value must be the rounding of ours."""
    assert got is not None and round(got, 4) == pytest.approx(want, abs=1e-12), got


def _gamma_aps(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Check]]:
    result = agreement.gamma(**case["input"])

    def in_range(key: str) -> Check:
        def check(r: dict[str, Any], bounds: list[float]) -> None:
            assert bounds[0] <= r[key] <= bounds[1], (key, r[key])
        return check

    def near(key: str) -> Check:
        def check(r: dict[str, Any], want: float) -> None:
            # the "with this seed" figures come from pygamma's RNG stream; ours is a different stream
            assert abs(r[key] - want) <= 0.03, (key, r[key])
        return check

    return result, {"observed_disorder": lambda r, want: _assert_exact_4(r["observed_disorder"], want),
                    "gamma_range": in_range("gamma"), "gamma_cat_range": in_range("gamma_cat"),
                    "gamma_with_this_seed": near("gamma"), "gamma_cat_with_this_seed": near("gamma_cat")}


ADAPTERS = {
    "cohen-artstein-poesio-3x3": _cohen_3x3,
    "cohen-weighted-sklearn": _cohen_words,
    "gamma-dkpro-fixture-1": _gamma_fixture,
    "gamma-pygamma-alex-paul-suzan": _gamma_aps,
}


def compare(got: Any, want: Any, tol: float, path: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: expected a dict, got {got!r}"
        for key, value in want.items():
            assert key in got, f"{path}.{key} missing (have {sorted(got)})"
            compare(got[key], value, tol, f"{path}.{key}")
    elif want is None:
        assert got is None, f"{path}: expected undefined (None), got {got!r}"
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        assert got is not None, f"{path}: expected {want}, got None"
        assert abs(float(got) - want) <= tol, f"{path}: expected {want} ± {tol}, got {got}"
    else:
        assert got == want, f"{path}: expected {want!r}, got {got!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reference_case(case: dict[str, Any]) -> None:
    result, checks = ADAPTERS.get(case["id"], _default)(case)
    tol = float(case.get("tolerance", TOL))
    for key, want in case["expected"].items():
        if key in checks:
            checks[key](result, want)
        else:
            assert key in result, f"{key} missing from the result (have {sorted(result)})"
            compare(result[key], want, tol, key)
    json.dumps(result, allow_nan=False)  # plain JSON, never NaN


def test_every_measure_is_exported() -> None:
    measures = {c["measure"] for c in CASES}
    assert measures <= set(agreement.MEASURES)
    for name in measures:
        assert callable(getattr(agreement, name))
