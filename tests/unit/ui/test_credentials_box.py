"""The credentials box: one field per credential, "Show secrets", placeholders saying where values come from."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from console.providers.spec import FieldKind, FieldSpec, Operation, OperationKind, ProviderSpec
from console.service.profiles import Profile
from console.ui.credentials_box import CredentialsBox

SPEC = ProviderSpec(
    "demo",
    "Demo",
    "A provider for tests",
    "https://docs.example",
    credentials=(FieldSpec("key", "API key"), FieldSpec("secret", "API secret", FieldKind.SECRET)),
    operations=(Operation("balance", "Balance", OperationKind.BALANCE),),
    simulator_credentials={"key": "demo-key"},
)
HINTS = {"key": "from $DEMO_KEY", "secret": "not set"}


@pytest.fixture
def box(qtbot: QtBot) -> CredentialsBox:
    widget = CredentialsBox(SPEC, HINTS)
    qtbot.addWidget(widget)
    return widget


def _placeholders(box: CredentialsBox) -> dict[str, str]:
    return {name: w.line.placeholderText() for name, w in box.fields.items() if w.line is not None}


def test_one_field_per_credential_and_typed_leaves_out_the_empty_ones(box: CredentialsBox) -> None:
    assert box.title() == "Credentials"
    assert list(box.fields) == ["key", "secret"]
    box.fields["key"].set("k-1")

    assert box.typed() == {"key": "k-1"}


def test_placeholders_say_where_values_come_from(box: CredentialsBox) -> None:
    box.refresh("live", "", None)
    assert _placeholders(box) == {"key": "from $DEMO_KEY", "secret": "not set"}

    box.refresh("simulator", "", None)
    assert _placeholders(box) == {"key": "simulator demo credential (demo-key)", "secret": "not set"}


def test_a_profile_fills_in_behind_variables(box: CredentialsBox) -> None:
    profile = Profile("prod", "demo", "live", credentials=["key", "secret"])

    box.refresh("live", "prod", profile)
    assert _placeholders(box) == {"key": "from $DEMO_KEY (over the profile)", "secret": "from profile prod"}

    box.refresh("simulator", "prod", profile)
    assert _placeholders(box) == {"key": "from profile prod", "secret": "from profile prod"}


def test_show_secrets_reveals_the_fields_and_says_so(qtbot: QtBot, box: CredentialsBox) -> None:
    secret = box.fields["secret"].line
    assert secret is not None
    assert secret.echoMode() is QLineEdit.EchoMode.Password

    with qtbot.waitSignal(box.reveal_toggled, timeout=0, check_params_cb=lambda on: on is True):
        box.reveal.click()
    assert secret.echoMode() is QLineEdit.EchoMode.Normal
    assert box.reveal.text() == "Hide secrets"

    with qtbot.waitSignal(box.reveal_toggled, timeout=0, check_params_cb=lambda on: on is False):
        box.reveal.click()
    assert secret.echoMode() is QLineEdit.EchoMode.Password
    assert box.reveal.text() == "Show secrets"


def test_a_profiles_values_show_only_while_revealed(box: CredentialsBox) -> None:
    profile = Profile("prod", "demo", "live", credentials=["key", "secret"])
    box.show_values({"secret": "s3cr3t"})
    box.refresh("live", "prod", profile)
    assert _placeholders(box)["secret"] == "from profile prod"  # "Show secrets" is off: nothing kept

    box.reveal.click()
    box.show_values({"secret": "s3cr3t"})
    box.refresh("live", "prod", profile)
    assert _placeholders(box)["secret"] == "s3cr3t  (profile prod)"
    assert box.fields["secret"].get() == ""  # on screen only, never in the field
