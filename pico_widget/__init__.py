"""pico-widget: how many picosecond laser sessions? An evidence-based forecast.

A guide for the conversation between a patient and a qualified doctor, not a prescription.
"""

from .catalogue import ConditionSpec, conditions
from .forecast import estimate
from .kirby_desai import kirby_desai_score
from .models import Forecast, Observation, PatientProfile, TattooDetails

__all__ = [
    "ConditionSpec",
    "Forecast",
    "Observation",
    "PatientProfile",
    "TattooDetails",
    "conditions",
    "estimate",
    "kirby_desai_score",
]
__version__ = "0.1.0"
