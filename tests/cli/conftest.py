"""The command-line tests use the demo PMS as BEX (``tests.demo.conftest``)."""

from tests.demo.conftest import clock as clock
from tests.demo.conftest import demo as demo
