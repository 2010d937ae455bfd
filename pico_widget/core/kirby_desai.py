"""The Kirby-Desai tattoo-removal score (Kirby et al. 2009), points from the data file."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, validate_call

from .catalogue import catalogue
from .models import TattooDetails


@validate_call
def kirby_desai_score(fitzpatrick: Annotated[int, Field(ge=1, le=6)], tattoo: TattooDetails) -> int:
    """Total score, 4 to 26: about the number of Q-switched sessions for satisfactory removal."""
    points = catalogue().tattoo.points
    return fitzpatrick + sum(points[field][getattr(tattoo, field)] for field in points)
