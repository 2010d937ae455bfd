"""Where each published study sits among clinics: its own offset on how fast its patients
improved (log rate), for the evidence view's clinic-beside-studies chart (issue 31).

`python -m pico_widget.fit.study_offsets` writes pico_widget/data/study_offsets.toml.

The fit (calibrate.py) gives every study its own clinic offset and integrates it out. Here
each study's posterior over its offsets is computed given the fitted parameters and the
pooled clinic sds (fitted.toml): the prior N(0, sd) times the likelihood of the study's
fitted rows, on a grid re-centred on the posterior (as core/clinic_effect.py does for a
clinic's own courses), and the log-rate offset's mean and sd are kept. A clinic's own
offset (clinic_effect) is on the same scale, so the chart can put it among the studies.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from ..core.catalogue import conditions, fitted
from ..core.evidence import EvidenceRow, rows
from .calibrate import (
    _qswitched_only,
    by_study,
    clinic_dims,
    clinic_scales,
    log_likelihoods,
    predict_at,
)

OUT = Path(__file__).resolve().parent.parent / "data" / "study_offsets.toml"
_POINTS = 7  # grid nodes per offset in each pass
_PASSES = 4  # the first spans +-4 prior sds; each later one 4 posterior sds about the mean


def study_rate_offset(cid: str, study: list[EvidenceRow]) -> tuple[float, float]:
    """(mean, sd) of the study's log-rate offset from the typical clinic (natural units)."""
    params, clinic = fitted().conditions[cid], fitted().clinic
    dims = clinic_dims(cid)
    scales = clinic_scales(clinic, dims)
    shift = params.qswitched_series_shift or 0.0
    moved = np.eye(3)[0] * shift if shift and _qswitched_only(study) else np.zeros(3)
    centre, span = np.zeros(dims), np.full(dims, 4.0)
    mean, sd = 0.0, float(scales[0])
    for _ in range(_PASSES):
        axes = [c + s * np.linspace(-1.0, 1.0, _POINTS) for c, s in zip(centre, span,
                                                                       strict=True)]
        z = np.array(list(itertools.product(*axes)))  # (K, dims), in prior sds
        offsets = np.pad(z * scales, ((0, 0), (0, 3 - dims))) + moved
        log_post = -0.5 * (z * z).sum(axis=1)
        for row in study:
            log_post = log_post + log_likelihoods(row, predict_at(row, params, offsets))
        weight = np.exp(log_post - log_post.max())
        weight /= weight.sum()
        means = weight @ z
        sds = np.sqrt(np.maximum(weight @ (z - means) ** 2, 0.0))
        step = np.array([a[1] - a[0] for a in axes])
        centre, span = means, np.clip(np.maximum(4.0 * sds, step), 0.01, 4.0)
        mean, sd = float(means[0] * scales[0]), float(sds[0] * scales[0])
    return mean, sd


def study_offsets() -> dict[str, dict[str, tuple[float, float]]]:
    """Per condition, per study behind its fit: (mean, sd) of its log-rate offset."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for cid in conditions():
        used = set(fitted().conditions[cid].rows)
        studies = by_study([r for r in rows(cid, efficacy=True) if r.id in used])
        out[cid] = {study[0].source: study_rate_offset(cid, study) for study in studies}
    return out


def toml_text(offsets: dict[str, dict[str, tuple[float, float]]]) -> str:
    lines = ["# Written by python -m pico_widget.fit.study_offsets: do not edit by hand.",
             "# Each study's log-rate offset from the typical clinic, [posterior mean, sd],",
             f"# given model {fitted().model_version} (docs/model.md, 'This clinic').", ""]
    for cid, studies in offsets.items():
        lines.append(f"[{cid}]")
        lines += [f'{key} = [{mean:.4f}, {sd:.4f}]' for key, (mean, sd) in studies.items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    OUT.write_text(toml_text(study_offsets()), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
