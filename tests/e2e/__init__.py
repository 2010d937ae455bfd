"""The browser tests and their helpers (`from tests.e2e.dashboard import profile`)."""
