"""Kernel-side update: one control change until every message to the browser is serialised.

Widgets here talk to a comm that JSON-encodes each message as the kernel's session would, so
the figure includes building the forecast, the figures, the text and the wire format. The
floor is the same path for a bare slider echoing into a label.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import comm
from comm import DummyComm

from tests.widget_client import browser_sends

from .table import Row, summarise


class JsonComm(DummyComm):
    """Counts what a kernel would put on the wire, without a kernel."""

    sent_bytes = 0

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        JsonComm.sent_bytes += len(json.dumps({"msg_type": msg_type, "data": data},
                                              default=str).encode())
        JsonComm.sent_bytes += sum(len(b) for b in buffers or [])


def _timed(change: Callable[[int], None], repeats: int) -> tuple[list[float], float]:
    times, sent = [], []
    for i in range(repeats + 10):
        before = JsonComm.sent_bytes
        start = time.perf_counter()
        change(i)
        elapsed = (time.perf_counter() - start) * 1000
        if i >= 10:
            times.append(elapsed)
            sent.append(JsonComm.sent_bytes - before)
    return times, sum(sent) / len(sent)


def run(repeats: int = 200) -> list[Row]:
    original = comm.create_comm
    comm.create_comm = JsonComm
    try:
        import ipywidgets as widgets

        from pico_widget import PicoWidget

        slider, label = widgets.IntSlider(min=10, max=100), widgets.Label()
        slider.observe(lambda change: setattr(label, "value", str(change["new"])), "value")
        floor, floor_bytes = _timed(lambda i: browser_sends(slider, value=40 + i % 40), repeats)
        widget = PicoWidget()
        goal = widget.form.goal
        update, update_bytes = _timed(lambda i: browser_sends(goal, value=40 + i % 40), repeats)
    finally:
        comm.create_comm = original
    return [
        summarise("kernel: control change to all updates sent", update, floor,
                  "slider echo to label", target_ms=10),
        summarise("kernel: bytes sent per control change", [update_bytes], [floor_bytes],
                  "slider echo to label", unit="B"),
    ]
