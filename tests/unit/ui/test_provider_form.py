"""The provider form as a whole: its parts wired together, the request it builds, the result it shows."""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot

from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.providers.spec import (
    Channel,
    Environment,
    FieldKind,
    FieldRole,
    FieldSpec,
    Operation,
    OperationKind,
    ProviderSpec,
)
from console.service.operations import OperationRequest, OperationResult
from console.service.profiles import Profile
from console.ui import theme
from console.ui.provider_form import ACTION_TEXT, CUSTOM_ENV, ProviderForm

TO = FieldSpec("to", "Destination", FieldKind.PHONE, required=True, role=FieldRole.DESTINATION)
SPEC = ProviderSpec(
    "demo",
    "Demo",
    "A provider for tests",
    "https://docs.example",
    credentials=(FieldSpec("key", "API key"), FieldSpec("secret", "API secret", FieldKind.SECRET)),
    operations=(
        Operation("send", "Send", OperationKind.SEND),
        Operation(
            "check",
            "Check",
            OperationKind.CHECK,
            fields=(FieldSpec("request_id", "Request", role=FieldRole.REQUEST_ID),),
        ),
        Operation("balance", "Balance", OperationKind.BALANCE),
    ),
    channels=(Channel("sms", "SMS", (TO,)), Channel("voice", "Voice call", (TO,))),
    environments=(Environment("live", "Live API", "https://api.example/v1", live=True),),
    notes=("the callback shape is a guess",),
)


@pytest.fixture
def form(qtbot: QtBot) -> ProviderForm:
    widget = ProviderForm(SPEC, {"key": "from $DEMO_KEY"}, "http://127.0.0.1:4321/demo")
    qtbot.addWidget(widget)
    return widget


def _result(operation: str = "send", verification: Verification | None = None, **data: object) -> OperationResult:
    exchange = Exchange(
        "x-1",
        0,
        time.time(),
        "demo",
        operation,
        "simulator",
        "POST",
        "http://h/x",
        (),
        "",
        Outcome.OK,
        status=200,
        message="Sent",
        request_id="req-7",
    )
    return OperationResult(exchange, verification, dict(data))


def test_starts_in_the_simulator_with_its_parts_reachable_by_their_old_names(form: ProviderForm) -> None:
    assert form.env_id == "simulator"
    assert form.env_combo is form.environment.combo
    assert form.credentials is form.credentials_box.fields
    assert form.pages is form.tabs.pages
    assert form.channel_combo is form.tabs.channel_combo
    assert form.action_button is form.action_row.button
    assert form.env_badge.text() == "SIMULATOR"
    assert form.target.text() == "→ http://127.0.0.1:4321/demo"
    assert form.profile_badge.text() == "No profile"
    assert form.action_button.text() == ACTION_TEXT[OperationKind.SEND]
    assert form.credentials["key"].line is not None
    assert form.credentials["key"].line.placeholderText() == "from $DEMO_KEY"


def test_a_live_environment_is_announced_and_turns_the_button_red(qtbot: QtBot, form: ProviderForm) -> None:
    with qtbot.waitSignal(form.env_changed, timeout=0, check_params_cb=lambda env: env == "live"):
        form.set_env("live")

    assert form.env_badge.text() == "LIVE"
    assert form.target.text() == "→ https://api.example/v1"
    assert theme.LIVE_RED in form.action_button.styleSheet()
    form.set_spend_text("Spend guard · 1 of 5 today")
    assert not form.spend_label.isHidden()


def test_the_tab_names_the_action_button(form: ProviderForm) -> None:
    form.select_operation("balance")
    assert form.action_button.text() == "Test credentials"
    form.select_operation("check")
    assert form.action_button.text() == "Check code"


def test_send_submits_what_the_form_holds(qtbot: QtBot, form: ProviderForm) -> None:
    form.select_channel("voice")
    form.set_field("to", "+447911123456")
    form.set_credential("key", "k-1")
    form.set_env(CUSTOM_ENV, "https://mine.example ")

    with qtbot.waitSignal(form.submitted, timeout=0) as sent:
        form.action_button.click()

    request = sent.args[0]
    assert isinstance(request, OperationRequest)
    assert (request.operation, request.channel, request.fields) == ("send", "voice", {"to": "+447911123456"})
    assert (request.env, request.base_url, request.credentials) == ("custom", "https://mine.example", {"key": "k-1"})


def test_nothing_is_submitted_while_busy(qtbot: QtBot, form: ProviderForm) -> None:
    form.set_busy(True)
    assert form.status.text() == "Sending…"
    assert not form.action_button.isEnabled()

    with qtbot.assertNotEmitted(form.submitted, wait=0):
        form.send()


def test_a_sent_code_prefills_the_check_and_prompts_until_verified(qtbot: QtBot, form: ProviderForm) -> None:
    verification = Verification("v-1", "demo", "voice", "+447911123456", "simulator", expires_at=time.time() + 60)

    form.show_result(_result(verification=verification, prompt="Answer the call"))

    assert form.status.text() == "HTTP 200 · Sent"
    assert form.pages[("check", "")].fields["request_id"].get() == "req-7"
    assert form.prompt.text().startswith("Answer the call · ")
    verification.state = VerificationState.VERIFIED
    form.verification_changed(verification)
    assert "Verified." in form.prompt.text()


def test_the_prompts_window_closing_is_the_forms_signal(qtbot: QtBot, form: ProviderForm) -> None:
    verification = Verification("v-2", "demo", "sms", "+447911123456", "simulator", expires_at=time.time() - 1)

    with qtbot.waitSignal(form.window_closed, timeout=0, check_params_cb=lambda vid: vid == "v-2"):
        form.show_result(_result(verification=verification, prompt="Type the code"))


def test_a_profile_brings_its_environment(form: ProviderForm) -> None:
    form.set_profiles([Profile("prod", "demo", "live", credentials=["key"])], "keyring")

    form.select_profile("prod")

    assert (form.profile_name, form.env_id) == ("prod", "live")
    assert form.profile_badge.text() == "Profile: prod"
    assert form.credentials["key"].line is not None
    assert form.credentials["key"].line.placeholderText() == "from $DEMO_KEY (over the profile)"


def test_show_secrets_with_a_profile_asks_for_its_values(qtbot: QtBot, form: ProviderForm) -> None:
    form.set_profiles([Profile("prod", "demo", "live", credentials=["secret"])], "keyring")
    form.select_profile("prod")

    with qtbot.waitSignal(form.profile_reveal_requested, timeout=0, check_params_cb=lambda name: name == "prod"):
        form.reveal.click()
    form.show_profile_values({"secret": "s3cr3t"}, "prod")

    assert form.credentials["secret"].line is not None
    assert form.credentials["secret"].line.placeholderText() == "s3cr3t  (profile prod)"
    form.show_profile_values({"secret": "other"}, "another profile")  # a late answer for another profile
    assert form.credentials["secret"].line.placeholderText() == "from profile prod"


def test_scenarios_show_in_the_simulator_only_and_apply_once(qtbot: QtBot, form: ProviderForm) -> None:
    assert form.scenario_row.isHidden()
    form.set_scenarios({"bad_key": "Wrong API key"})
    assert not form.scenario_row.isHidden()

    with qtbot.waitSignal(
        form.scenario_chosen, timeout=0, check_params_cb=lambda case, sticky: (case, sticky) == ("bad_key", False)
    ):
        form.scenario.setCurrentIndex(1)
    with qtbot.assertNotEmitted(form.scenario_chosen, wait=0):
        form.scenario_used()
    assert form.scenario.currentData() == "none"

    form.set_env("live")
    assert form.scenario_row.isHidden()
