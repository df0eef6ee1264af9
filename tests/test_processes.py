"""scraper.processes: the one way children are stopped (serve, replay, tests, benchmarks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from scraper.processes import running, start, stop, stopped_like_ctrl_c

# A child that ignores SIGTERM, says so, then sleeps: only a kill ends it.
STUBBORN = ("import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)")


def test_a_child_that_ignores_the_request_to_stop_is_killed_after_the_timeout():
    process = start([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    began = time.monotonic()
    assert stop(process, timeout=0.5) == -signal.SIGKILL
    assert time.monotonic() - began < 30
    process.stdout.close()


def test_a_child_that_stops_when_asked_gives_its_own_status():
    process = start([sys.executable, "-c", "import time; time.sleep(60)"])
    assert stop(process) == -signal.SIGTERM
    assert stop(process) == -signal.SIGTERM  # stopping an ended child again: its status, no error
    assert stop(start([sys.executable, "-c", "raise SystemExit(3)"]), None) == 3  # ends by itself


def test_a_child_of_a_with_block_is_stopped_when_the_block_fails():
    with pytest.raises(RuntimeError), running([sys.executable, "-c", "import time; time.sleep(60)"]) as process:
        raise RuntimeError("the test failed")
    assert process.returncode == -signal.SIGTERM


def test_a_server_child_has_its_own_session():
    with running([sys.executable, "-c", "import time; time.sleep(60)"], own_session=True) as process:
        assert os.getsid(process.pid) == process.pid != os.getsid(0)


def test_sigterm_within_the_block_is_a_ctrl_c_and_the_old_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stopped_like_ctrl_c():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal arrives at once; this sleep is never finished
    assert signal.getsignal(signal.SIGTERM) is before
