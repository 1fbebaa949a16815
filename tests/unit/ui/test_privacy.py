"""Screen-sharing masks: numbers and codes hidden, ids, times, amounts and ports left alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.ui.privacy import PRIVACY


@pytest.fixture
def masking() -> Iterator[None]:
    PRIVACY.enabled = True
    yield
    PRIVACY.enabled = False


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Call +74951234567 from +79670311122 within 60 s", "Call +74•••67 from +79•••22 within 60 s"),
        ("to=%2B48575555555&code=4729", "to=%2B485•••55&code=••••"),
        ("phone=79670311122", "phone=796•••22"),
        ("Your verification code: 4829", "Your verification code: ••••"),
        ("Mã xác thực của bạn là 1 2 3 4 5 6.", "Mã xác thực của bạn là • • • •."),
    ],
)
def test_masked(masking: None, text: str, shown: str) -> None:
    assert PRIVACY.mask(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Sent; request_id ZMtf+4567/ab==",
        "HTTP 200 · 31 ms · 2026-11-24 13:22:20",
        "x-1a20db8bc88d898d4c7",
        "balance 10.34 USD",
        "http://127.0.0.1:34093/zadarma",
    ],
)
def test_left_alone(masking: None, text: str) -> None:
    assert PRIVACY.mask(text) == text


def test_off_by_default() -> None:
    assert PRIVACY.mask("+79670311122") == "+79670311122"
