"""Device settings per recorded session: typed in the observation rows, checked by pydantic
on the server, shown in the clinical note only; a bad value is explained and changes
nothing (issue 23)."""

from __future__ import annotations

from pico_widget import PatientProfile, PicoWidget
from pico_widget.core.cases import save_case
from pico_widget.core.settings_models import DeviceSettings
from tests.widget_client import browser_sends

CASE = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                      goal_percent=75, observations=[{"session": 1, "improvement_percent": 30},
                                                     {"session": 2, "improvement_percent": 45}])


def type_into(row, **values: str) -> None:
    browser_sends(row.device.toggle, value=True)  # the fields are made when first opened
    for name, value in values.items():
        browser_sends(row.device.fields[name], value=value)


def note(w: PicoWidget) -> str:
    w.take_home.show_note()
    return w.take_home.note.value


def test_settings_typed_in_a_row_go_into_the_note():
    w = PicoWidget(profile=CASE)
    type_into(w.sessions.rows.children[1], wavelength_nm="1064", fluence_j_cm2="2.5", spot_mm="3")
    type_into(w.sessions.rows.children[0], wavelength_nm="755")
    assert "Device settings: S1: 755 nm; S2: 1064 nm, 2.5 J/cm2 and 3 mm spot." in note(w)
    assert w.profile == CASE  # the forecast does not read them
    assert "1064" not in save_case(w.profile)  # nor does a case file keep them


def test_a_bad_value_is_explained_escaped_and_changes_nothing():
    w = PicoWidget(profile=CASE)
    row = w.sessions.rows.children[0]
    type_into(row, fluence_j_cm2="2")
    before, forecast, text = w.device.recorded(w.profile), w.forecast, note(w)
    for bad in ("<img src=x onerror=alert(1)>", "70", "-1", "nan", "abc"):
        type_into(row, fluence_j_cm2=bad)
        assert row.device.problem is not None
        message = row.device.problem.value
        assert "Fluence (J/cm²) takes a number from 0 to 50" in message, bad
        assert "<img" not in message and "Nothing else was changed." in message
        assert row.device.fields["fluence_j_cm2"].value == "2"  # the accepted value again
        assert w.device.recorded(w.profile) == before and w.forecast == forecast
        assert note(w) == text and w.message == ""
    type_into(row, fluence_j_cm2="1.5")
    assert row.device.problem is not None and row.device.problem.value == ""
    assert w.device.recorded(w.profile)[1] == DeviceSettings(fluence_j_cm2=1.5)


def test_settings_outlive_redrawn_rows_and_go_with_a_removed_session():
    w = PicoWidget(profile=CASE)
    type_into(w.sessions.rows.children[1], spot_mm="4")
    w.language = "ms"  # the rows are drawn again, in Malay
    row = w.sessions.rows.children[1]
    assert row.device.fields["spot_mm"].value == "4" and row.device.toggle.value
    assert row.device.fields["spot_mm"].description == "Saiz titik (mm)"
    w.sessions.add_observation()
    pending = w.sessions.pending.children[0]
    type_into(pending, wavelength_nm="532")  # before the improvement is entered
    assert 3 not in w.device.recorded(w.profile)  # not recorded until the session is
    browser_sends(pending.number, value="60")
    assert [o.session for o in w.profile.observations] == [1, 2, 3]
    assert w.sessions.rows.children[2].device.fields["wavelength_nm"].value == "532"
    assert "S3: 532 nm" in note(w)
    w.sessions.rows.children[1].remove.click()
    assert 2 not in w.device.recorded(w.profile)
    assert "mm spot" not in note(w)
