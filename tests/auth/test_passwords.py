"""Argon2 passwords: round trip, malformed hashes, and a bounded number of hashes at once."""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fieldcrm.auth import passwords
from fieldcrm.errors import InvalidInput


def test_round_trip_and_wrong_or_malformed_hashes() -> None:
    digest = passwords.hash_password("tournée-2026")
    assert digest.startswith("$argon2id$")
    assert passwords.verify_password(digest, "tournée-2026")
    assert not passwords.verify_password(digest, "tournee-2026")
    assert not passwords.verify_password("not-a-hash", "tournée-2026")
    assert not passwords.verify_password(None, "tournée-2026")
    with pytest.raises(InvalidInput) as caught:
        passwords.hash_password("court")
    assert caught.value.field == "password"


def test_a_burst_of_logins_runs_at_most_one_hash_per_core(monkeypatch) -> None:
    real = passwords._HASHER
    running = 0
    peak = 0
    lock = threading.Lock()

    class Counting:
        def verify(self, digest: str, password: str) -> bool:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            try:
                time.sleep(0.02)
                return real.verify(digest, password)
            finally:
                with lock:
                    running -= 1

    digest = passwords.hash_password("tournée-2026")
    monkeypatch.setattr(passwords, "_HASHER", Counting())
    cores = os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=4 * cores) as pool:
        results = list(
            pool.map(lambda _: passwords.verify_password(digest, "tournée-2026"), range(8 * cores))
        )
    assert all(results)
    assert peak <= cores
