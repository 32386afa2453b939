"""HRV values against the numbers other tools publish for the same recordings.

Kubios HRV 2.2 (as quoted in systole's tests), hrv-analysis and pyHRV 0.5.0. Their reference
numbers are facts and are written here; the recordings stay in the shared data folder next to
the repository checkout and these tests skip when it is absent.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pausepoint.pipeline import estimators as est

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
TIME_DOMAIN_REL = 0.001  # 0.1 %

pytestmark = pytest.mark.shared_data


def load(relative: str) -> np.ndarray:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"reference recording {relative} is not in the shared data folder")
    if path.suffix == ".npy":
        return np.load(path).astype(np.float64)
    if relative.startswith("systole_rr_kubios"):
        return np.loadtxt(path, delimiter=",", skiprows=1, usecols=1)
    return np.loadtxt(path, dtype=np.float64)


# --- Kubios HRV 2.2 on systole's rr.txt, no artifact correction -------------------------------

KUBIOS_TIME_DOMAIN = {
    "mean_rr_ms": 883.24,
    "sdnn_ms": 84.691,
    "rmssd_ms": 45.545,
    "pnn50_pct": 26.230,
    "sd1_ms": 32.273,
    "sd2_ms": 115.38,
}
KUBIOS_SPECTRAL = {
    "vlf_ms2": 4504.4,
    "lf_ms2": 2393.9,
    "hf_ms2": 566.30,
    "lf_nu": 80.860,
    "hf_nu": 19.129,
    "total_power_ms2": 7465.0,
}
# Measured with this module's method: VLF -0.53 %, LF -0.30 %, HF -0.08 %, LF/HF -0.21 %.
SPECTRAL_REL = 0.01


@pytest.fixture(scope="module")
def kubios_summary() -> dict:
    return est.hrv_summary(load("systole_rr_kubios/rr.txt"))


@pytest.mark.parametrize(("key", "expected"), KUBIOS_TIME_DOMAIN.items())
def test_kubios_time_domain_and_poincare(kubios_summary, key, expected) -> None:
    assert kubios_summary[key] == pytest.approx(expected, rel=TIME_DOMAIN_REL)


def test_kubios_nn50(kubios_summary) -> None:
    assert kubios_summary["nn50"] == 64


def test_kubios_lf_hf(kubios_summary) -> None:
    assert kubios_summary["lf_hf"] == pytest.approx(4.227, rel=0.10)


@pytest.mark.parametrize(("key", "expected"), KUBIOS_SPECTRAL.items())
def test_kubios_band_powers(kubios_summary, key, expected) -> None:
    assert kubios_summary[key] == pytest.approx(expected, rel=SPECTRAL_REL)


# --- hrv-analysis on its test_nn_intervals.txt --------------------------------------------------


@pytest.fixture(scope="module")
def hrv_analysis_nn_ms() -> np.ndarray:
    return load("hrv-analysis_tests/test_nn_intervals.txt")


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (est.mean_rr, 718.248),
        (est.sdnn, 43.113074968),
        (est.rmssd, 19.519400785),
        (est.pnn50, 2.4024),
        (est.sd1, 13.8092),
        (est.sd2, 59.3867),
        # hrv-analysis' own mean_hr (83.847) averages 60000 / NN; ours is 60000 / mean NN.
        (est.mean_hr, 60000.0 / 718.248),
    ],
)
def test_hrv_analysis(hrv_analysis_nn_ms, function, expected) -> None:
    assert function(hrv_analysis_nn_ms) == pytest.approx(expected, rel=TIME_DOMAIN_REL)


def test_hrv_analysis_nn50(hrv_analysis_nn_ms) -> None:
    assert est.nn50(hrv_analysis_nn_ms) == 24


# --- pyHRV 0.5.0 on SampleNNISeriesShort.npy ------------------------------------------------------


@pytest.fixture(scope="module")
def pyhrv_nn_ms() -> np.ndarray:
    return load("pyhrv_0.5.0_samples/SampleNNISeriesShort.npy")


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (est.mean_rr, 888.955),
        (est.sdnn, 95.690),
        (est.rmssd, 101.301),
        (est.pnn50, 48.512),
        # pyHRV's HR mean (68.215) averages 60000 / NN; ours is 60000 / mean NN.
        (est.mean_hr, 60000.0 / 888.955),
    ],
)
def test_pyhrv_time_domain(pyhrv_nn_ms, function, expected) -> None:
    assert function(pyhrv_nn_ms) == pytest.approx(expected, rel=TIME_DOMAIN_REL)


def test_pyhrv_nn50(pyhrv_nn_ms) -> None:
    assert est.nn50(pyhrv_nn_ms) == 163


@pytest.mark.parametrize(("function", "expected"), [(est.sd1, 71.630), (est.sd2, 114.785)])
def test_pyhrv_poincare_with_its_population_sd(pyhrv_nn_ms, function, expected) -> None:
    """pyHRV divides by n (ddof=0) where Kubios divides by n - 1: rescale the m = n - 1
    projections' SD by sqrt((m - 1) / m), then it must agree to 0.1 %."""
    projections = pyhrv_nn_ms.size - 1
    population_sd = function(pyhrv_nn_ms) * math.sqrt((projections - 1) / projections)
    assert population_sd == pytest.approx(expected, rel=TIME_DOMAIN_REL)
