"""`python -m pico_widget` is the `pico-widget` command (where the script is not on PATH)."""

from .server.command import main

main()
