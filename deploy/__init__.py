"""What a clinic group runs beside the package: `make cluster` (cluster.py) and its local
PostgreSQL (postgres.py). A package, so the tests import `deploy.cluster` and
`deploy.postgres` as they are; run it from the checkout's root as `python -m deploy.cluster`.
with_parent.py stays a plain script: postgres.py runs it by its path."""
