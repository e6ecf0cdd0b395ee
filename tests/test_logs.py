from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from salto_desk.demo.server import DemoPmsServer
from salto_desk.errors import SaltoDeskError
from salto_desk.logs import (
    LOG_FILE,
    MASK,
    TRACE_LOGGER,
    DeskLogHandler,
    MaskingFilter,
    configure_logging,
    log_tail,
    mask_secrets,
)
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings
from salto_desk.protocol.client import SaltoClient
from salto_desk.protocol.messages import EncodeCard, MobileKey
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back after each test."""
    root = logging.getLogger()
    trace = logging.getLogger(TRACE_LOGGER)
    handlers, level, trace_level = list(root.handlers), root.level, trace.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    trace.setLevel(trace_level)
    logging.captureWarnings(False)


def flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_mask_secrets_hides_values_named_keys_and_phone_numbers() -> None:
    text = "key abc123SECRET, x-api-key: k-999, api_key='zz9', token=t0k, call +31612345678 or +3120"
    masked = mask_secrets(text, ["abc123SECRET"])
    assert "abc123SECRET" not in masked
    assert f"x-api-key: {MASK}" in masked
    assert f"api_key='{MASK}'" in masked
    assert f"token={MASK}" in masked
    assert "+31612345678" not in masked and "+********678" in masked
    assert "+3120" in masked  # too short to be a phone number


def test_masking_filter_masks_arguments_and_tracebacks() -> None:
    record_filter = MaskingFilter(lambda: ["hunter2-key"])
    try:
        raise ValueError("bad key hunter2-key for +31612345678")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "using %s for %s", ("hunter2-key", "+31698765432"), sys.exc_info()
        )
    assert record_filter.filter(record)
    text = logging.Formatter().format(record)
    assert "hunter2-key" not in text
    assert "+31612345678" not in text and "+31698765432" not in text
    assert "ValueError" in text and "+********678" in text


def test_configure_logging_writes_a_masked_rotating_log(tmp_path: Path, restore_logging: None) -> None:
    SecretStore().set(PMS_API_KEY, "bex-live-7f3a9c")
    log_file = configure_logging(tmp_path / "logs")
    assert log_file == tmp_path / "logs" / LOG_FILE
    log = logging.getLogger("salto_desk.pms")
    log.info("connecting with key %s", "bex-live-7f3a9c")
    log.warning("guest phone +31612345678 not registered")
    log.debug("debug lines stay out at INFO")
    flush()
    text = log_file.read_text(encoding="utf-8")
    assert "bex-live-7f3a9c" not in text and MASK in text
    assert "+31612345678" not in text and "+********678" in text
    assert "debug lines stay out" not in text
    handlers = [each for each in logging.getLogger().handlers if isinstance(each, DeskLogHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes > 0 and handlers[0].backupCount > 0


def test_configure_logging_again_replaces_the_handler(tmp_path: Path, restore_logging: None) -> None:
    configure_logging(tmp_path / "a")
    second = configure_logging(tmp_path / "b")
    logging.getLogger("salto_desk").info("only in b")
    flush()
    handlers = [each for each in logging.getLogger().handlers if isinstance(each, DeskLogHandler)]
    assert [handler.baseFilename for handler in handlers] == [str(second)]
    assert "only in b" not in (tmp_path / "a" / LOG_FILE).read_text(encoding="utf-8")
    assert "only in b" in second.read_text(encoding="utf-8")


@pytest.mark.parametrize("debug_protocol", [False, True])
def test_protocol_trace_is_logged_only_when_enabled(
    tmp_path: Path, restore_logging: None, debug_protocol: bool
) -> None:
    log_file = configure_logging(tmp_path, debug_protocol=debug_protocol)
    with Simulator(SimulatorConfig(card_delay=0.0)) as simulator:
        client = SaltoClient(str(simulator.endpoint))
        client.ping()
        start, end = _stay()
        client.request(MobileKey("CNM", "+31612345678", ("101",), start, end))
    flush()
    text = log_file.read_text(encoding="utf-8")
    assert ("salto_desk.protocol.trace" in text) is debug_protocol
    assert "+31612345678" not in text
    if debug_protocol:
        assert "CNM" in text and "+********678" in text


def test_trace_stays_off_at_debug_level_without_debug_protocol(tmp_path: Path, restore_logging: None) -> None:
    log_file = configure_logging(tmp_path, level=logging.DEBUG)
    with Simulator(SimulatorConfig(card_delay=0.0)) as simulator:
        start, end = _stay()
        SaltoClient(str(simulator.endpoint)).request(EncodeCard("CN", "1", ("101",), start, end))
    logging.getLogger("salto_desk").debug("general debug line")
    flush()
    text = log_file.read_text(encoding="utf-8")
    assert "general debug line" in text
    assert TRACE_LOGGER not in text


def test_unwritable_log_folder_is_a_clear_error(tmp_path: Path, restore_logging: None) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SaltoDeskError) as caught:
        configure_logging(blocker / "logs")
    assert "log" in caught.value.user_message("en") and "--data-dir" in caught.value.user_message("en")
    assert "logbestand" in caught.value.user_message("nl")


def test_log_tail_returns_the_last_lines_masked(tmp_path: Path) -> None:
    SecretStore().set(PMS_API_KEY, "tail-secret-41")
    log_file = tmp_path / LOG_FILE
    log_file.write_text("".join(f"line {n}\n" for n in range(1000)) + "key tail-secret-41\n", encoding="utf-8")
    tail = log_tail(log_file, lines=3).splitlines()
    assert tail == ["line 998", "line 999", f"key {MASK}"]
    assert log_tail(tmp_path / "missing.log") == ""


def test_a_session_with_bex_and_salto_leaves_no_key_or_phone_in_the_log(tmp_path: Path, restore_logging: None) -> None:
    """Everything at its most verbose: debug level, protocol trace, HTTP client logging, an error."""
    SecretStore().set(PMS_API_KEY, "bex-session-5e1f77")
    api_key = SecretStore().get(PMS_API_KEY)
    assert api_key is not None
    log_file = configure_logging(tmp_path, level=logging.DEBUG, debug_protocol=True)
    start, end = _stay()
    with DemoPmsServer(reservations=5, api_key=api_key) as pms, Simulator(SimulatorConfig(card_delay=0.0)) as salto:
        with BexClient(api_key, PmsSettings(base_url=pms.base_url)) as bex:
            assert bex.administrations().records
        client = SaltoClient(str(salto.endpoint))
        client.request(MobileKey("CNM", "+31612345678", ("101",), start, end))
        client.request(MobileKey("CCM", "+32470123456", ("101",), start, end))
        try:
            raise ValueError(f"x-api-key: {api_key} rejected for +31612345678")
        except ValueError:
            logging.getLogger("salto_desk.ui").exception("Sending to %s failed", "+31612345678")
    flush()
    text = log_file.read_text(encoding="utf-8")
    assert "CNM" in text and "CCM" in text and "ValueError" in text  # the session is in the log...
    assert "+********678" in text and "+********456" in text
    for leak in (api_key, "+31612345678", "+32470123456", "31612345678", "32470123456"):
        assert leak not in text  # ...without the key or a full phone number


def _stay() -> tuple[datetime, datetime]:
    start = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(second=0, microsecond=0)
    return start, start + timedelta(days=2)


@pytest.mark.skipif(os.name != "posix", reason="on Windows the user's profile keeps the files private")
def test_log_files_are_readable_by_their_owner_only_also_after_rotation(tmp_path: Path, restore_logging: None) -> None:
    previous = os.umask(0o022)
    try:
        log_file = configure_logging(tmp_path / "logs")
        handler = next(each for each in logging.getLogger().handlers if isinstance(each, DeskLogHandler))
        logging.getLogger("salto_desk.test").warning("before the rotation")
        handler.doRollover()
        logging.getLogger("salto_desk.test").warning("after the rotation")
        handler.flush()
    finally:
        os.umask(previous)
    files = sorted((tmp_path / "logs").iterdir())
    assert [path.name for path in files] == [LOG_FILE, f"{LOG_FILE}.1"]
    assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700
    assert "after the rotation" in log_file.read_text(encoding="utf-8")


def test_a_rotation_another_process_blocks_keeps_logging_to_the_current_file(
    tmp_path: Path, restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = configure_logging(tmp_path / "logs")
    handler = next(each for each in logging.getLogger().handlers if isinstance(each, DeskLogHandler))

    def refused(_source: str, _destination: str) -> None:
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(handler, "rotate", refused)
    handler.doRollover()
    logging.getLogger("salto_desk.test").warning("still logged")
    handler.flush()
    assert "still logged" in log_file.read_text(encoding="utf-8")
