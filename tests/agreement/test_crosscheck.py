"""Cross-checks against NLTK's AnnotationTask and the ``krippendorff`` package on random data (to 1e-9).

Our matrices are units × coders; ``krippendorff`` wants coders × units with NaN for missing (transposed here).
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from annotator.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha

krippendorff = pytest.importorskip("krippendorff")
nltk_agreement = pytest.importorskip("nltk.metrics.agreement")
nltk_distance = pytest.importorskip("nltk.metrics.distance")


def random_units(seed: int, n_units: int = 60, n_coders: int = 4, values: int = 5,
                 missing: float = 0.2) -> list[list[int | None]]:
    rng = random.Random(seed)
    units = []
    for _ in range(n_units):
        truth = rng.randint(1, values)
        row = [None if rng.random() < missing else (truth if rng.random() < 0.6 else rng.randint(1, values))
               for _ in range(n_coders)]
        units.append(row)
    return units


def _reliability(units: list[list[int | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in units], dtype=float).T


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package(seed: int, level: str) -> None:
    units = random_units(seed)
    ours = krippendorff_alpha(units=units, level=level)["alpha"]
    theirs = krippendorff.alpha(reliability_data=_reliability(units), level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_nltk(seed: int) -> None:
    units = random_units(seed, n_coders=3)
    data = [(f"c{j}", f"u{i}", v) for i, row in enumerate(units) for j, v in enumerate(row) if v is not None]
    nominal = nltk_agreement.AnnotationTask(data=data).alpha()
    interval = nltk_agreement.AnnotationTask(data=data, distance=nltk_distance.interval_distance).alpha()
    assert krippendorff_alpha(units=units, level="nominal")["alpha"] == pytest.approx(nominal, abs=1e-9)
    assert krippendorff_alpha(units=units, level="interval")["alpha"] == pytest.approx(interval, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_and_pi_match_nltk(seed: int) -> None:
    units = [[a, b] for a, b in random_units(seed, n_coders=2, missing=0.0)]
    data = [(f"c{j}", f"u{i}", v) for i, row in enumerate(units) for j, v in enumerate(row)]
    task = nltk_agreement.AnnotationTask(data=data)
    ours = cohen_kappa(units=units)
    assert ours["kappa"] == pytest.approx(task.kappa(), abs=1e-9)
    assert ours["scott_pi"] == pytest.approx(task.pi(), abs=1e-9)
    assert ours["observed_agreement"] == pytest.approx(task.avg_Ao(), abs=1e-9)
    assert ours["krippendorff_alpha_nominal"] == pytest.approx(task.alpha(), abs=1e-9)


def test_davies_fleiss_matches_nltk_multi_kappa() -> None:
    units = random_units(3, n_coders=4, missing=0.0)
    data = [(f"c{j}", f"u{i}", v) for i, row in enumerate(units) for j, v in enumerate(row)]
    ours = fleiss_kappa(raw_units=units)
    assert ours["davies_fleiss"] == pytest.approx(nltk_agreement.AnnotationTask(data=data).multi_kappa(), abs=1e-9)
