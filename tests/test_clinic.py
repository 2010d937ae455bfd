"""Clinic settings: validated from a file, carried by the headline and the handout."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from pico_widget import PatientProfile, PicoWidget, estimate
from pico_widget.core.settings_models import Clinic
from pico_widget.render.clinic import ClinicError, clinic_of, costs, load_clinic, price
from pico_widget.render.handout import handout_html
from pico_widget.render.headline import answer

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                       "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PROFILE = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                         goal_percent=75)
GOOD = """name = "Klinik Kulit Sentosa"
address = "12 Jalan Ampang, Kuala Lumpur"
phone = "+60 3-2161 0000"
logo = "logo.png"
price_per_session = 450
currency = "RM"
"""


def clinic_file(tmp_path: Path, text: str = GOOD, logo: bytes | None = PNG) -> Path:
    if logo is not None:
        (tmp_path / "logo.png").write_bytes(logo)
    path = tmp_path / "clinic.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_clinic_file_is_read_and_its_logo_embedded(tmp_path: Path) -> None:
    clinic = load_clinic(clinic_file(tmp_path))
    assert clinic.name == "Klinik Kulit Sentosa" and clinic.currency == "RM"
    assert clinic.logo == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert costs(clinic, 2, 10, "en") == ("RM900", "RM4,500")


@pytest.mark.parametrize(("text", "words"), [
    (GOOD.replace('"+60 3-2161 0000"', '"call us"'), "phone"),
    (GOOD.replace("450", "-5"), "price per session"),
    (GOOD + 'patient = "Aisha"\n', "patient"),  # nothing about a patient is kept
    (GOOD.replace('name = "Klinik Kulit Sentosa"\n', ""), "name"),
    (GOOD.replace("logo.png", "missing.png"), "missing.png cannot be read"),
    (GOOD.replace("logo.png", "logo.exe"), "PNG, JPEG, SVG or WebP"),
    ("name = [", "not a TOML file"),
])
def test_a_bad_clinic_file_is_refused_with_a_sentence(tmp_path: Path, text: str,
                                                      words: str) -> None:
    with pytest.raises(ClinicError, match=r"The clinic settings in .* cannot be used") as error:
        load_clinic(clinic_file(tmp_path, text))
    assert words in str(error.value)


def test_headline_and_handout_show_the_clinic_and_the_cost(tmp_path: Path) -> None:
    clinic = load_clinic(clinic_file(tmp_path))
    fc = estimate(PROFILE)
    low, high = fc.sessions_range
    figures = {f.key: f for f in answer(PROFILE, fc, "en", clinic).figures}
    assert figures["cost"].value == f"RM{low * 450:,.0f}-{high * 450:,.0f}"
    assert f"{low} to {high} sessions at RM450" in figures["cost"].caption
    assert "cost" not in {f.key for f in answer(PROFILE, fc, "en").figures}
    page = handout_html(PROFILE, clinic=clinic)
    for text in ("Klinik Kulit Sentosa", "12 Jalan Ampang", "+60 3-2161 0000",
                 clinic.logo, f"about RM{low * 450:,.0f} to RM{high * 450:,.0f}",
                 "Next visit (date and time):", "Call +60 3-2161 0000"):
        assert text in page, text
    plain = handout_html(PROFILE)
    assert "Next visit (date and time):" in plain and "Call " not in plain
    malay = handout_html(PROFILE, clinic=clinic, language="ms")
    assert "Lawatan seterusnya" in malay and "Klinik anda: Klinik Kulit Sentosa." in malay


def test_the_widget_takes_a_clinic_and_refuses_a_bad_one(tmp_path: Path) -> None:
    w = PicoWidget(PROFILE, clinic=str(clinic_file(tmp_path)))
    assert w.clinic is not None and 'data-key="cost"' in w.headline.value
    assert "RM450" in w.headline.value
    with pytest.raises(ClinicError, match="phone"):
        PicoWidget(clinic={"name": "X", "phone": "<script>"})
    assert clinic_of(None) is None
    assert isinstance(clinic_of({"name": "Y"}), Clinic)


def test_serve_refuses_a_bad_clinic_file_before_starting(tmp_path: Path, capsys) -> None:
    from pico_widget.server.serve import main

    with pytest.raises(SystemExit) as stop:
        main(["serve", "--clinic", str(clinic_file(tmp_path, GOOD.replace("450", "-1")))])
    assert stop.value.code == 2
    assert "price per session" in capsys.readouterr().err


@pytest.mark.parametrize("language", ["en", "zh-Hans", "ms"])
def test_one_session_is_costed_once_not_as_a_range(language: str) -> None:
    """Where one session usually suffices the cost read 'RM450-450' and '1 to 1 sessions'."""
    from pico_widget.i18n.wording import wording

    lentigo = PatientProfile(condition="solar_lentigines", severity="moderate",
                             fitzpatrick=4, goal_percent=75)
    clinic = Clinic(name="Klinik", price_per_session=450, currency="MYR")
    fc = estimate(lentigo)
    assert fc.sessions_range is not None and fc.sessions_range[1] == 1
    cost = next(f for f in answer(lentigo, fc, language, clinic).figures if f.key == "cost")
    assert cost.value.endswith("450") and "-" not in cost.value
    assert cost.caption == wording("headline", "cost_caption_single", language=language)
    page = handout_html(lentigo, language=language, clinic=clinic)
    assert wording("handout", "cost_line_single", language=language).format(
        price=price(clinic, 450, language)).split(price(clinic, 450, language))[0] in page
