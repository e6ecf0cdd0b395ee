"""The settings tests use the shared window-test desk: a simulator, a database and one cached park."""

from tests.ui.desk import make_desk

__all__ = ["make_desk"]
