"""The staff sign-in, asked for as a modal dialog over the page when "Add" needs it.

Why a dialog: inline below "Add", the form opened out of view on a tablet and nothing moved
the doctor there. Here ipywidgets draws the boxes and the kernel decides; static/a11y.js
makes the box with the class `pico-dialog` a modal while `pico-dialog-open` is on it: shown
over everything (the page's top layer, the page dimmed), role="dialog" named by its heading,
focus in Name, Tab kept inside, Escape pressing Cancel, focus back on the opener after.
The password never stays in a field: it is emptied as soon as it is handed on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from ..render.fragments import heading_html, message_html

OPEN = "pico-dialog-open"


class SignInDialog(widgets.VBox):
    """Name, password, "Sign in" and "Cancel"; a refusal is said inside the dialog."""

    def __init__(self, sign_in: Callable[[str, str], None], cancel: Callable[[], None]) -> None:
        """`sign_in(name, password)` is called on "Sign in"; `cancel()` once it closed."""
        self._sign_in, self._cancel = sign_in, cancel
        self.heading = widgets.HTML()
        self.heading.add_class("pico-dialog-heading")
        self.name = widgets.Text()
        self.password = widgets.Password()
        self.status = widgets.HTML()
        self.status.add_class("pico-dialog-status")
        self.status.add_class("pico-error")  # said like every refusal
        self.sign_in_button = widgets.Button(icon="sign-in")
        self.sign_in_button.on_click(lambda _b: self._submit())
        self.cancel_button = widgets.Button(icon="times")
        self.cancel_button.add_class("pico-dialog-cancel")
        self.cancel_button.on_click(lambda _b: self.cancel())
        buttons = widgets.HBox([self.sign_in_button, self.cancel_button])
        buttons.add_class("pico-dialog-buttons")
        super().__init__([self.heading, self.name, self.password, self.status, buttons])
        self.add_class("pico-dialog")
        self.add_class("pico-sign-in")

    def word(self, say: Mapping[str, Any]) -> None:
        """The dialog's words from the [outcomes] wording in the language on screen."""
        self.heading.value = heading_html(say["sign_in_heading"])
        self.name.description, self.password.description = say["staff_name"], say["password"]
        self.sign_in_button.description = say["sign_in"]
        self.cancel_button.description = say["cancel"]

    @property
    def is_open(self) -> bool:
        return OPEN in self._dom_classes

    def ask(self, sentence: str = "") -> None:
        """Opened, with `sentence` said (why the doctor is asked again, say)."""
        self.say(sentence)
        self.add_class(OPEN)

    def dismiss(self) -> None:
        """Closed, the password emptied (not `close`: that is the widget's own)."""
        self.password.value = ""
        self.say("")
        self.remove_class(OPEN)

    def cancel(self) -> None:
        """Cancel or Escape: closed, nothing signed in and nothing stored."""
        self.dismiss()
        self._cancel()

    def say(self, sentence: str) -> None:
        self.status.value = message_html(sentence)

    def _submit(self) -> None:
        name, password = self.name.value, self.password.value
        self.password.value = ""
        self._sign_in(name, password)
        if self.is_open:  # refused: the keyboard goes back to the emptied password
            self.password.focus()
