"""Benchmarks: `make bench` (python -m benchmarks) prints one table and writes JSON.

They drive the app with the tests' own helpers (the live server, the browser, the
widget-protocol client), imported as the `tests` package (`from tests.live_server import
...`): run them from the checkout's root, as `make bench` does.
"""
