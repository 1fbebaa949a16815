"""The debug dialog drives the same debuggers through its widgets."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from console.ui.debug_dialog import DebugDialog


def test_signature_tab_explains_and_finds_the_wrong_step(qtbot: QtBot) -> None:
    dialog = DebugDialog()
    qtbot.addWidget(dialog)
    dialog.sig_path.setText("/v1/info/balance/")
    dialog.sig_params.setText("")
    dialog.sig_key.setText("test_user_key_0001")
    dialog.sig_secret.setText("test_secret_0001")
    dialog.explain_signature()
    assert "ZDMwNmJlYjhlODUwMWMyOWM1MmRlZTczMDIxOTc4MGRjYzk0NDJkZQ==" in dialog.sig_out.toPlainText()
    dialog.sig_header.setText("test_user_key_0001:ZDMwNmJlYjhlODUwMWMyOWM1MmRlZTczMDIxOTc4MGRjYzk0NDJkZQ==")
    dialog.explain_signature()
    assert dialog.sig_out.toPlainText().splitlines()[-1].startswith("MATCH")


def test_callback_and_jwt_tabs(qtbot: QtBot) -> None:
    dialog = DebugDialog()
    qtbot.addWidget(dialog)
    dialog.wh_provider.setCurrentText("meta")
    dialog.wh_headers.setPlainText(
        "X-Hub-Signature-256: sha256=d6c5c866f71b6bb501cc7379ba08f06ad94be5aad092f3130df4cd8b4ab9d188"
    )
    dialog.wh_body.setPlainText('{"object":"whatsapp_business_account","entry":[]}')
    dialog.wh_secret.setText("meta_app_secret_0001")
    dialog.check_webhook()
    assert dialog.wh_out.toPlainText().startswith("VALID (meta)")
    dialog.jwt_key.setText("k")
    dialog.jwt_secret.setText("s" * 32)
    dialog.jwt_code.setText("246810")
    dialog.mint_jwt()
    assert '"signature": "valid"' in dialog.jwt_out.toPlainText()
    assert '"otpCode": "246810"' in dialog.jwt_out.toPlainText()


def test_a_recorded_row_loads_into_the_right_tab(qtbot: QtBot) -> None:
    from console.core.models import Exchange, Outcome
    from tests.unit.providers.test_whatsapp import YC_BODY, YC_SIG

    dialog = DebugDialog()
    qtbot.addWidget(dialog)
    callback = Exchange(
        "x-cb", 0, 1654084800.0, "ycloud", "webhook", "simulator", "POST", "http://127.0.0.1/hooks/ycloud",
        (("Content-Type", "application/json"), ("YCloud-Signature", f"t=1654084800,s={YC_SIG}")),
        YC_BODY.decode(), Outcome.OK,
    )  # fmt: skip
    dialog.load_exchange(callback)
    assert dialog.tabs.currentIndex() == 1
    assert dialog.wh_provider.currentText() == "ycloud"
    dialog.wh_secret.setText("whsec_test_0001")
    dialog.check_webhook()
    assert dialog.wh_out.toPlainText().startswith("VALID (ycloud)")  # judged as of its arrival
    assert "as of its arrival, 2022-06" in dialog.wh_out.toPlainText()

    request = Exchange(
        "x-z", 0, 1.0, "zadarma", "balance", "live", "GET", "https://api.zadarma.com/v1/info/balance/?format=json",
        (), "", Outcome.OK,
    )  # fmt: skip
    dialog.load_exchange(request)
    assert dialog.tabs.currentIndex() == 0
    assert (dialog.sig_path.text(), dialog.sig_params.text()) == ("/v1/info/balance/", "format=json")
