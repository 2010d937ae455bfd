"""A dashboard visitor without a browser: it speaks the Jupyter widget protocol.

It does what the page's JavaScript does (captured from Chromium's websocket frames): fetch
the Voila page, join its kernel's websocket, ask for every widget's state through the
`jupyter.widget.control` comm, then send the `update` messages a tap or a slide sends.
Cheap enough that 20 of them fit beside a server on two cores, so the load test measures
the server rather than 20 copies of plotly.js.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from typing import Any

import websocket

from pico_widget.core.models import FITZPATRICK_NUMERALS
from tests.waiting import wait_until

CHARTS = ("improvement",)  # the view a page opens with; hidden views are sent when chosen
# How to recognise the dashboard's controls among the kernel's widget models.
CONTROLS = {"skin type": {"_options_labels": list(FITZPATRICK_NUMERALS)},
            "goal": {"_model_name": "IntSliderModel", "min": 1, "max": 100}}
KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def browser_sends(control: Any, **state: Any) -> None:
    """In-process: deliver a state update to a widget exactly as the front end's comm
    message would (no server needed)."""
    control._handle_msg({"content": {"data": {"method": "update", "state": state}},
                         "buffers": []})


def browser_sends_custom(widget: Any, content: Any) -> None:
    """In-process: deliver a custom message (`model.send(content)` in the front end) to a
    widget exactly as its comm would, through every handler it registered with on_msg."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                        "buffers": []})


def widgets_under(root: Any) -> dict[int, Any]:
    """Every widget reachable from `root` through its synced traits (children, layout,
    style, ...), by id."""
    from ipywidgets import Widget

    found: dict[int, Any] = {}
    stack = [root]
    while stack:
        widget = stack.pop()
        if id(widget) not in found:
            found[id(widget)] = widget
            for name in widget.keys:
                value = getattr(widget, name, None)
                items = value if isinstance(value, (tuple, list)) else (value,)
                stack.extend(v for v in items if isinstance(v, Widget))
    return found


class Visitor:
    """One visitor's page and kernel; `models` mirrors the widget states the kernel holds."""

    def __init__(self, base_url: str, timeout: float = 300) -> None:
        self.base_url, self.timeout = base_url, timeout
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict[str, Any]] = {}
        self.ws: websocket.WebSocket | None = None

    def open(self) -> float:
        """Load the page and fetch every widget's state; seconds until both charts arrived."""
        start = time.monotonic()
        with urllib.request.urlopen(self.base_url, timeout=self.timeout) as response:
            page = response.read().decode("utf-8")
        match = KERNEL_ID.search(page)
        if match is None:
            raise RuntimeError("the page named no kernel")
        self.kernel_id = match.group(1)
        socket_url = (self.base_url.replace("http://", "ws://")
                      + f"api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        self.ws = websocket.create_connection(socket_url, timeout=self.timeout)
        control = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                 "data": {}}, metadata={"version": "1.0.0"})
        self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        self._until(lambda: all(self.chart(name) is not None for name in CHARTS))
        self.send("comm_close", {"comm_id": control, "data": {}})
        return time.monotonic() - start

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()

    def find(self, **state: Any) -> str:
        """The id of the one model whose state has these values."""
        ids = [i for i, m in self.models.items()
               if all(m["state"].get(k) == v for k, v in state.items())]
        if len(ids) != 1:
            raise LookupError(f"{len(ids)} widgets match {state}")
        return ids[0]

    def control(self, name: str) -> str:
        """The model id of one of the dashboard's CONTROLS."""
        return self.find(**CONTROLS[name])

    def state(self, model_id: str) -> dict[str, Any]:
        return self.models[model_id]["state"]

    def chart(self, name: str) -> dict[str, Any] | None:
        found = [m["state"] for m in self.models.values()
                 if m["state"].get("name") == name and "figure" in m["state"]]
        return found[0] if found and found[0]["figure"] else None

    def traces(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [{"name": t["name"], "x": t["x"], "y": t["y"]}
                       for t in self.chart(name)["figure"]["data"]]  # type: ignore[index]
                for name in CHARTS}

    def set(self, model_id: str, **state: Any) -> float:
        """Send what the browser sends for a tap or slide; seconds until both charts redrew."""
        before = {name: self.chart(name)["revision"] for name in CHARTS}  # type: ignore[index]
        start = time.monotonic()
        self.send("comm_msg", {"comm_id": model_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}},
            metadata={"version": "2.1.0"})
        self._until(lambda: all(self.chart(n)["revision"] > before[n] for n in CHARTS))  # type: ignore[index]
        return time.monotonic() - start

    def send(self, msg_type: str, content: dict[str, Any],
              metadata: dict[str, Any] | None = None) -> None:
        assert self.ws is not None
        self.ws.send(json.dumps({
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                       "session": self.session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "buffers": [],
            "channel": "shell"}))

    def drain(self, seconds: float) -> list[str]:
        """Every frame the kernel sends in the next `seconds`, as received."""
        assert self.ws is not None
        frames: list[str] = []
        self.ws.settimeout(0.5)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            frames.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))
        self.ws.settimeout(self.timeout)
        return frames

    def _until(self, done: Any) -> None:
        """Read the kernel's frames until `done()`: each look reads one frame (recv waits
        for it), so there is no pause between looks."""
        assert self.ws is not None
        ws = self.ws

        def answered() -> bool:
            if done():
                return True
            frame = ws.recv()
            if isinstance(frame, str):
                self._receive(json.loads(frame))
            return bool(done())

        wait_until(answered, timeout=self.timeout, every=0, what="the kernel to answer")

    def _receive(self, msg: dict[str, Any]) -> None:
        if msg.get("msg_type") != "comm_msg":
            return
        data = msg["content"]["data"]
        if data.get("method") == "update_states":
            self.models.update(data["states"])
        elif data.get("method") in ("update", "echo_update"):  # echo: the kernel took ours
            model = self.models.setdefault(msg["content"]["comm_id"], {"state": {}})
            model["state"].update(data["state"])
