"""pico-widget: how many picosecond laser sessions? An evidence-based forecast.

A guide for the conversation between a patient and a qualified doctor, not a prescription.
"""

# Every name is imported on first use: the widget pulls in ipywidgets and the words
# Babel and Jinja2, and the core's catalogue and teaching cases take a second of their
# own, which `pico-widget outcomes ...` and a script that only forecasts should not pay.
_LAZY = {"teaching_cases": "core.cases", "ConditionSpec": "core.catalogue",
         "conditions": "core.catalogue", "ClinicEffect": "core.clinic_effect",
         "clinic_effect": "core.clinic_effect", "estimate": "core.forecast",
         "kirby_desai_score": "core.kirby_desai", "ClinicCourse": "core.models",
         "Forecast": "core.models", "Observation": "core.models",
         "PatientProfile": "core.models", "TattooDetails": "core.models",
         "PicoWidget": "ui.widget", "handout_html": "render.handout",
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
