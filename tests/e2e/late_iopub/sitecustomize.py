"""Fault injection, loaded only by tests/e2e/test_blank_page.py (through PYTHONPATH): the
server reads every cell's output messages PICO_TEST_IOPUB_DELAY seconds late, as it did for
some pages when ten browsers arrived together on two cores (issue #13)."""

import asyncio
import os

try:
    from nbclient.client import NotebookClient
except ImportError:  # a process without nbclient has nothing to delay
    NotebookClient = None

if NotebookClient is not None:
    _poll = NotebookClient._async_poll_output_msg
    _delay = float(os.environ.get("PICO_TEST_IOPUB_DELAY", "6"))

    async def _late(self, parent_msg_id, cell, cell_index):
        await asyncio.sleep(_delay)
        return await _poll(self, parent_msg_id, cell, cell_index)

    NotebookClient._async_poll_output_msg = _late
