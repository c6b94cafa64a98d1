"""Nothing leaves the machine and nothing checked is touched: a whole check of the samples (photos, scanned copies
read by OCR) opens no network connection and changes no input byte."""
from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from docprep.api import plan_check
from docprep.profiles import load_profile

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


class NoNetwork(AssertionError):
    pass


def _refuse(*args, **kwargs):
    raise NoNetwork(f"a network call during a check: {args!r}")


@pytest.fixture
def offline(monkeypatch):
    """Every way to a socket refused in this process (the check runs here: jobs=1)."""
    class Refused(socket.socket):
        def __init__(self, *args, **kwargs):
            _refuse(*args)

    monkeypatch.setattr(socket, "socket", Refused)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, _refuse)


def _hashes(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_check_opens_no_socket_and_changes_no_input(offline, tmp_path):
    before = _hashes(SAMPLES)
    report = plan_check([SAMPLES / "photos", SAMPLES / "attachments"], load_profile("zj-2021")).run(jobs=1)
    assert len(report.files) >= 20
    assert not any(x.rule == "file.check-failed" for f in report.files for x in f.findings)
    assert _hashes(SAMPLES) == before


def test_the_guard_itself_works(offline):
    with pytest.raises(NoNetwork):
        socket.create_connection(("example.com", 80))
