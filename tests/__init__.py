"""The tests and their shared helpers, one package. A test or a benchmark imports a helper by
its package path, never through a `sys.path` edit: `from tests.waiting import wait_until`,
`from tests.e2e.dashboard import profile`. pytest (rootdir: the checkout) and
`python -m benchmarks` both import it from the checkout's root."""
