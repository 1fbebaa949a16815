"""The console's own code check: salted hash only, expiry, attempt limit, single use."""

from __future__ import annotations

import json
import time

from console.core.local_verifier import check_code, checks_locally, remember_code
from console.core.models import Verification, VerificationState


def _sent(code: str = "482913", ttl: float = 600) -> Verification:
    v = Verification("v-1", "ycloud", "", "+447911123456", "simulator", code=code, expires_at=time.time() + ttl)
    remember_code(v, code)
    return v


def test_only_a_salted_hash_is_kept() -> None:
    v = _sent()
    assert checks_locally(v)
    assert v.code is None
    assert "482913" not in json.dumps(v.to_dict())
    other = _sent()
    assert other.keys["code_sha256"] != v.keys["code_sha256"]  # salted: the same code hashes differently


def test_the_right_code_verifies_once() -> None:
    v = _sent()
    verdict = check_code(v, "482913", time.time())
    assert (verdict.ok, v.state) == (True, VerificationState.VERIFIED)
    again = check_code(v, "482913", time.time())
    assert (again.ok, again.error_code) == (False, "already_verified")


def test_wrong_codes_count_down_then_lock() -> None:
    v = _sent()
    messages = [check_code(v, "000000", time.time()).message for _ in range(4)]
    assert messages[-1] == "Wrong code; 1 attempt left."
    locked = check_code(v, "000000", time.time())
    assert (locked.error_code, locked.attempts_left, v.state) == ("wrong_code", 0, VerificationState.FAILED)
    assert check_code(v, "482913", time.time()).error_code == "too_many_attempts"  # even the right one now


def test_an_expired_code_is_refused() -> None:
    v = _sent(ttl=1)
    verdict = check_code(v, "482913", time.time() + 5)
    assert (verdict.error_code, v.state) == ("expired", VerificationState.EXPIRED)
