"""The validation machinery of issue 30: published-figure bands, baselines, nested folds.

The targets themselves (coverage, log and interval score against the baselines) are read
from data/accuracy.toml in tests/test_calibration.py; these check the parts that make the
numbers, quickly and without a refit.
"""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from pico_widget.core.catalogue import catalogue, conditions
from pico_widget.core.evidence import EvidenceRow, rows
from pico_widget.fit.calibrate import FITTED, PRIOR_RELAX, condition_params


def _share_row(patients: int, value: float) -> EvidenceRow:
    return EvidenceRow(id="toy", source="T14", condition="tattoo", laser="picosecond",
                       fitzpatrick=(3,), patients=patients, kind="shares", session=20,
                       thresholds=(75,), values=(value,),
                       tattoo={"location": "upper_trunk", "colours": "black",
                               "ink": "moderate"}, note="a made-up share row")


def test_a_study_where_all_cleared_can_fall_inside_its_band():
    """T14-all: all 15 over 75%. A true share of 97% gives 15 of 15 about 6 times in 10, so
    the published-figure band reaches 100; a logit-normal band never does."""
    from pico_widget.fit.figure_bands import published_quantiles

    truth, density = np.array([97.0]), np.array([1.0])
    q = published_quantiles(_share_row(15, 100.0), truth, density)
    assert q[0.9] == pytest.approx(100.0)
    assert q[0.1] < 100 * 14 / 15  # 14 of 15 or fewer: 4 times in 10


def test_the_figure_band_adds_the_study_size_to_the_clinic_band():
    """A clinic band from 40% to 60%: a study of 20 patients publishes a wider spread, one
    of 100,000 the clinic's own."""
    from pico_widget.fit.figure_bands import clinic_quantiles, published_quantiles

    grid = np.linspace(-4, 4, 401)
    density = np.exp(-0.5 * grid**2)
    density /= density.sum()
    truth = 50 + 7.8 * grid
    clinic = clinic_quantiles(truth, density)
    small = published_quantiles(_share_row(20, 50.0), truth, density)
    large = published_quantiles(_share_row(100_000, 50.0), truth, density)
    assert small[0.9] - small[0.1] > 1.3 * (clinic[0.9] - clinic[0.1])
    assert large[0.9] - large[0.1] == pytest.approx(clinic[0.9] - clinic[0.1], rel=0.02)


def test_priors_name_the_rows_they_were_written_from():
    """Every `from_rows` in data/conditions.toml is an evidence row."""
    ids = {r.id for r in rows()}
    bases = [*catalogue().model.basis.values(), *catalogue().tattoo.basis.values(),
             *(b for spec in conditions().values() for b in spec.basis.values())]
    named = [row for b in bases for row in b.from_rows]
    assert named and set(named) <= ids


def test_a_fold_relaxes_the_priors_written_from_its_study():
    """Issue 30: Hori's prior reproduces H3, lentigines' complete share rests on L11, tattoo
    speed on KD24 and T11; the atypical share (L1, L3, O6, C4) is a fixed constant."""
    from pico_widget.fit.nested import fixed_priors, relaxed_priors

    assert relaxed_priors("hori_nevus", "H3") == ("rate", "ceiling")
    assert relaxed_priors("solar_lentigines", "L11") == ("complete_share",)
    assert relaxed_priors("tattoo", "T11") == ("sessions_per_point",)
    assert relaxed_priors("tattoo", "KD24") == ("sessions_per_point",)
    assert relaxed_priors("melasma", "M3") == ()
    assert fixed_priors("C4") == ("atypical_share",)


def test_relaxing_widens_the_named_priors_alone():
    plain = {p.name: p for p in condition_params("hori_nevus")}
    relaxed = {p.name: p for p in condition_params("hori_nevus", ("rate",))}
    assert relaxed["rate"].sd == pytest.approx(PRIOR_RELAX * plain["rate"].sd)
    assert relaxed["rate"].prior == plain["rate"].prior
    assert all(relaxed[n] == plain[n] for n in plain if n != "rate")


def test_the_threshold_aware_baseline_reads_the_threshold():
    """O6 left out: the other studies say a higher threshold is reached by fewer."""
    from pico_widget.fit.baselines import threshold_aware

    o6 = next(r for r in rows("nevus_of_ota") if r.id == "O6")
    centres = [threshold_aware(o6, t, v).mean for t, v in zip(o6.thresholds, o6.values,
                                                              strict=True)]
    assert centres == sorted(centres)  # thresholds run from the highest down
    assert centres[0] < centres[-1] - 10


def test_the_cluster_bootstrap_interval_holds_the_coverage():
    scores = tomllib.loads((FITTED.parent / "accuracy.toml").read_text("utf-8"))
    found = scores["out_of_sample"]
    assert found["nested"] is True
    for key in ("coverage_80", "coverage_50"):
        low, high = found[f"{key}_ci"]
        assert low <= found[key] <= high and high - low > 5
