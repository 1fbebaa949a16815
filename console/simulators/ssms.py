"""ssms.su simulator: ``wait_call``, ``push_msg``, ``get_profile``, ``get_msg_report`` in the response envelope.

Contract: ``shared/providers.md`` section 2. The error texts are Russian, as the platform's are. The
incoming-call GET it sends when the virtual phone dials is our own shape (the real one is undocumented):
``phone``, ``id_call``, ``call_to`` and ``time``.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from console.providers.webhook import Outgoing
from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

PHONE_RE = re.compile(r"7\d{10}|[1-9]\d{9,14}")
CALL_TO_NUMBER = "74951234567"
DEMO_EMAIL, DEMO_PASSWORD = "demo@ssms.test", "sim_ssms_password"
ERR_TEXT = {
    "2": "Ошибка авторизации",
    "18": "Сессия истекла",
    "29": "Нет маршрута для отправки сообщения",
    "35": "Ошибка кодировки текста",
    "36": "Недостаточно средств на счете",
    "37": "Сообщение заблокировано спам-фильтром",
    "38": "Сообщение заблокировано спам-фильтром (повтор)",
}


class Refusal(Exception):
    """An error answer: ``err_code`` and its Russian text."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


class SsmsSimulator(ProviderSimulator):
    """The ssms.su API as the helpers and clients use it: POST (or GET) to ``/`` with ``method=…``."""

    provider_id = "ssms"
    credits = 512.5
    scenarios = MappingProxyType(
        {
            "bad_key": "Authorisation error (err_code 2)",
            "no_money": "Not enough money (err_code 36)",
            "no_route": "No route for the number (err_code 29)",
            "spam": "Spam filter (err_code 37)",
            "session_expired": "Session expired (err_code 18)",
            "bad_encoding": "Text encoding error (err_code 35)",
        }
    )
    _SCENARIO_CODES = MappingProxyType(
        {
            "bad_key": "2",
            "no_money": "36",
            "no_route": "29",
            "spam": "37",
            "session_expired": "18",
            "bad_encoding": "35",
        }
    )

    def __init__(self, state_dir: Path, clock: Callable[[], float] = time.time) -> None:
        super().__init__(state_dir, clock)
        self.api_key = self.credentials()["key"]

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/", self._api)
        app.router.add_get("/", self._api)

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return _envelope(str(status), message, "error")

    # ------------------------------------------------------------------------------------------------ api
    async def _api(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        try:
            self._authorise(params)
            scenario = self.take_scenario()
            if scenario is not None:
                code = self._SCENARIO_CODES[scenario]
                raise Refusal(code, ERR_TEXT[code])
            method = params.get("method", "")
            handlers = {
                "wait_call": self._wait_call,
                "push_msg": self._push_msg,
                "get_profile": self._profile,
                "get_msg_report": self._report,
            }
            if method not in handlers:
                raise Refusal("3", f"Неизвестный метод: {method or '(пусто)'}")
            return web.json_response(_envelope("0", "OK", "message", handlers[method](params)))
        except Refusal as exc:
            return web.json_response(_envelope(exc.code, exc.text, "error"))

    def _authorise(self, params: Mapping[str, str]) -> None:
        if params.get("key"):
            if params["key"] != self.api_key:
                raise Refusal("2", ERR_TEXT["2"])
        elif params.get("email") != DEMO_EMAIL or params.get("password") != DEMO_PASSWORD:
            raise Refusal("42" if params.get("email") else "2", "Неверный логин или пароль")

    @staticmethod
    def _phone(params: Mapping[str, str]) -> str:
        phone = params.get("phone", "")
        if not PHONE_RE.fullmatch(phone):
            raise Refusal("5", f"Неверный номер телефона: {phone or '(пусто)'} (международный формат без +)")
        return phone

    def _wait_call(self, params: Mapping[str, str]) -> dict[str, Any]:
        phone = self._phone(params)
        window = int(params.get("call_protection") or 60)
        id_call = str(secrets.randbelow(10**9))
        now = self.clock()
        with self.state() as data:
            data.setdefault("waits", {})[id_call] = {"phone": phone, "until": now + window}
        self.add_phone_message(
            channel="wait_call",
            to=phone,
            kind="call",
            title=f"Call +{CALL_TO_NUMBER} to confirm",
            text=f"To confirm +{phone}, call +{CALL_TO_NUMBER} from it within {window} s (the call is free; "
            "it is dropped at once).",
            extra={
                "call_to_number": CALL_TO_NUMBER,
                "waiting_call_from": phone,
                "id_call": id_call,
                "actions": "dial,dial_other",
            },
        )
        return {"call_to_number": CALL_TO_NUMBER, "id_call": id_call, "waiting_call_from": phone}

    def _push_msg(self, params: Mapping[str, str]) -> dict[str, Any]:
        phone = self._phone(params)
        text = params.get("text", "")
        if not text:
            raise Refusal("4", "Пустой текст сообщения")
        sender = params.get("sender_name") or "SSMS"
        sms_id = secrets.randbelow(10**8)
        parts = max(1, -(-len(text) // 70))
        code = next(iter(re.findall(r"\d{4,8}", text)), None)
        with self.state() as data:
            data.setdefault("messages", {})[str(sms_id)] = {"phone": phone, "text": text, "sender_name": sender}
        self.add_phone_message(
            channel="push_msg", to=phone, kind="sms", title=f"SMS from {sender}", text=text, code=code
        )
        answer: dict[str, Any] = {"id": sms_id, "n_raw_sms": parts, "credits": round(parts * 2.5, 2)}
        answer["sender_name"] = sender
        if params.get("call_protection"):
            answer["call_to_number"] = CALL_TO_NUMBER
        return answer

    def _profile(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"id": 1001, "email": DEMO_EMAIL, "credits": self.credits, "currency": "RUB", "sender_name": "SSMS"}

    def _report(self, params: Mapping[str, str]) -> dict[str, Any]:
        with self.state() as data:
            stored = data.get("messages", {}).get(params.get("id", ""))
        if stored is None:
            raise Refusal("6", f"Сообщение {params.get('id', '')} не найдено")
        return {"id": params["id"], **stored, "state": 1, "state_text": "Доставлено", "n_raw_sms": 1}

    # -------------------------------------------------------------------------------------------- callbacks
    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        """The virtual phone dials the number it was given (from its own number, or another one)."""
        if action not in ("dial", "dial_other"):
            return super().phone_action(message, action)
        caller = message.extra.get("waiting_call_from", message.to) if action == "dial" else "79990000000"
        query = urlencode(
            {
                "phone": caller,
                "id_call": message.extra.get("id_call", "") if action == "dial" else "",
                "call_to": message.extra.get("call_to_number", CALL_TO_NUMBER),
                "time": str(int(self.clock())),
            }
        )
        return [Outgoing("GET", query, (), b"", f"incoming call from +{caller}")]


def _envelope(code: str, text: str, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"msg": {"err_code": code, "text": text, "type": kind}}
    if data is not None:
        response["data"] = data
    return {"response": response}


SIMULATOR = SsmsSimulator
