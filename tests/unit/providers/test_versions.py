"""API versions in base URLs: which one a URL names, and the warnings before and after its end date."""

from __future__ import annotations

import datetime as dt

import pytest

from console.providers.meta import SPEC as META
from console.providers.spec import ApiVersion, Operation, OperationKind, ProviderSpec
from console.providers.versions import WARN_DAYS, version_in, version_warnings

ENDS = dt.date(2027, 1, 21)  # Graph API v21.0's end date
SPEC = ProviderSpec(
    "demo",
    "Demo",
    "A provider for tests",
    "https://docs.example",
    credentials=(),
    operations=(Operation("balance", "Balance", OperationKind.BALANCE),),
    api_versions=(
        ApiVersion("v3.0", dt.date(2026, 1, 1)),
        ApiVersion("v2.0", dt.date(2025, 1, 1), ENDS),
        ApiVersion("v1", None, dt.date(2024, 1, 1)),
    ),
)


def _before(days: int) -> dt.date:
    return ENDS - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://api.example/v2.0", "v2.0"),
        ("https://api.example/v2.0/", "v2.0"),
        ("http://127.0.0.1:4321/demo/v3.0", "v3.0"),
        ("https://api.example/v1/things", "v1"),
        ("https://api.example/v9.0", None),  # a version the description does not know
        ("https://api.example/v2.0x", None),  # not a whole path segment
        ("https://api.example/", None),
        ("", None),
    ],
)
def test_version_in_reads_the_known_version_a_url_names(url: str, name: str | None) -> None:
    found = version_in(SPEC, url)
    assert (found.name if found else None) == name


def test_version_in_meta_urls() -> None:
    found = version_in(META, "https://graph.facebook.com/v21.0")
    assert found is not None
    assert (found.name, found.expires) == ("v21.0", ENDS)


def test_no_warning_91_days_before_the_end() -> None:
    assert WARN_DAYS == 90
    assert version_warnings(SPEC, "https://api.example/v2.0", _before(91)) == []


@pytest.mark.parametrize(("days", "left"), [(90, "in 90 days"), (1, "in 1 day.")])
def test_warns_within_90_days_with_the_days_left_and_the_current_version(days: int, left: str) -> None:
    (warning,) = version_warnings(SPEC, "https://api.example/v2.0", _before(days))
    assert "Demo v2.0 stops working on 2027-01-21" in warning
    assert left in warning
    assert "Move to v3.0." in warning


@pytest.mark.parametrize("days", [0, -1])
def test_says_plainly_once_the_end_date_has_come(days: int) -> None:
    (warning,) = version_warnings(SPEC, "https://api.example/v2.0", _before(days))
    assert warning == "Demo v2.0 stopped working on 2027-01-21: its requests are refused. Move to v3.0."


def test_a_version_without_an_end_date_has_nothing_to_say() -> None:
    assert version_warnings(SPEC, "https://api.example/v3.0", dt.date(2100, 1, 1)) == []


def test_a_url_naming_no_version_has_nothing_to_say() -> None:
    assert version_warnings(SPEC, "https://api.example/", _before(1)) == []
    assert version_warnings(SPEC, "https://api.example/v9.0", _before(1)) == []


def test_a_provider_without_versions_has_nothing_to_say() -> None:
    plain = ProviderSpec(
        "plain", "Plain", "", "", credentials=(), operations=(Operation("balance", "Balance", OperationKind.BALANCE),)
    )
    assert version_warnings(plain, "https://api.example/v2.0", _before(1)) == []


def test_a_custom_base_url_naming_meta_v21() -> None:
    url = "https://graph-proxy.internal.example/graph/v21.0/"
    (warning,) = version_warnings(META, url, dt.date(2026, 12, 1))
    assert warning == "Meta WhatsApp Cloud API v21.0 stops working on 2027-01-21, in 51 days. Move to v26.0."
    assert version_warnings(META, url, dt.date(2026, 10, 1)) == []  # 112 days before: nothing yet
    (ended,) = version_warnings(META, url, ENDS)
    assert "stopped working on 2027-01-21" in ended


def test_today_defaults_to_the_real_date() -> None:
    far = ProviderSpec(
        "far",
        "Far",
        "",
        "",
        credentials=(),
        operations=(Operation("balance", "Balance", OperationKind.BALANCE),),
        api_versions=(ApiVersion("v1", None, dt.date.today() + dt.timedelta(days=10)),),
    )
    assert "in 10 days" in version_warnings(far, "https://api.example/v1")[0]
