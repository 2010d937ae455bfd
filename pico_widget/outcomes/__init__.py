"""The clinic's own de-identified outcomes: courses recorded by signed-in staff.

Layers: record (CourseRecord, validation) -> schema (tables) -> database (engines,
schema check, migrations) -> staff (who may write) -> writes (audited changes), csv_io,
stats, effect (the clinic's offsets for stats), cli (`pico-widget outcomes`). The core
never imports this package; it imports the core and i18n only.
docs/deploy.md says how to turn it on.
"""
