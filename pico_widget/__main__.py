"""`python -m pico_widget` is the `pico-widget` command (where the script is not on PATH)."""

from .server.command import main

if __name__ == "__main__":  # not when a tool imports every module of the package
    main()
