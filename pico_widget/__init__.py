"""pico-widget: how many picosecond laser sessions? An evidence-based forecast.

A guide for the conversation between a patient and a qualified doctor, not a prescription.
"""

from .core.cases import teaching_cases
from .core.catalogue import ConditionSpec, conditions
from .core.clinic_effect import ClinicEffect, clinic_effect
from .core.forecast import estimate
from .core.kirby_desai import kirby_desai_score
from .core.models import ClinicCourse, Forecast, Observation, PatientProfile, TattooDetails

# The widget pulls in ipywidgets and the words Babel and Jinja2: a script that only
# forecasts (or imports the core alone) should not pay for them.
_LAZY = {"PicoWidget": "ui.widget", "handout_html": "render.handout",
         "clinical_note": "render.note"}


def __getattr__(name: str) -> object:
    if name == "__version__":  # the installed distribution's (pyproject.toml), on asking
        from .core.version import package_version

        return package_version()
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'pico_widget' has no attribute {name!r}")


__all__ = [
    "ClinicCourse",
    "ClinicEffect",
    "ConditionSpec",
    "Forecast",
    "Observation",
    "PatientProfile",
    "PicoWidget",
    "TattooDetails",
    "clinic_effect",
    "clinical_note",
    "conditions",
    "estimate",
    "handout_html",
    "kirby_desai_score",
    "teaching_cases",
]
