"""Builders shared by several test modules (imported as tests.helpers.<module>), so that no test
module imports another; fixtures built on them live in tests/conftest.py."""
