"""Signals: a closed terminal stops the preview as Ctrl-C does, and writing to it no longer raises."""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from collections.abc import Iterator

import pytest

from dossier import signals
from dossier.signals import Forgiving, hung_up


@pytest.fixture
def handlers() -> Iterator[None]:
    """The signal handlers as they were, back after the test."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


def test_writing_to_a_closed_terminal_is_dropped_not_raised() -> None:
    leader, follower = os.openpty()
    os.close(leader)  # the terminal is gone: the kernel answers every write with EIO
    with io.TextIOWrapper(io.FileIO(follower, "w"), encoding="utf-8", write_through=True) as terminal:
        with pytest.raises(OSError) as raised:
            terminal.write("stopped\n")
        assert raised.value.errno == errno.EIO
        forgiving = Forgiving(terminal)
        assert forgiving.write("keeping what the preview knew\n") == len("keeping what the preview knew\n")
        forgiving.flush()
        assert forgiving.fileno() == follower  # everything else is the stream's own


def test_a_hangup_stops_as_ctrl_c_does_and_makes_the_streams_forgiving(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(KeyboardInterrupt):
        hung_up(signal.SIGHUP, None)
    assert isinstance(sys.stdout, Forgiving) and sys.stdout.stream is out
    assert isinstance(sys.stderr, Forgiving) and sys.stderr.stream is err
    with pytest.raises(KeyboardInterrupt):
        hung_up(signal.SIGHUP, None)  # a second hangup wraps nothing twice
    assert sys.stdout.stream is out
    print("stopped")
    assert out.getvalue() == "stopped\n"


@pytest.mark.usefixtures("handlers")
def test_a_worker_dies_quietly_on_a_hangup_unless_the_command_ignores_it() -> None:
    signal.signal(signal.SIGHUP, hung_up)  # what the preview's process has, and a forked worker inherits
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signals._quiet_on_signals()
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)] == [signal.SIG_DFL] * 3
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # started under nohup
    assert not signals.hangs_up()
    signals._quiet_on_signals()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
