"""Zadarma simulator: signed ``/v1/verify/`` and ``/v1/verify/check/``, balance and IVR sounds.

Contract: ``shared/providers.md`` 1.2-1.5. Where the documentation is silent (401 text, per-channel validation
wording, the form of generated request ids) the answers here are our choice, written in the documented style.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from console.providers.webhook import Outgoing
from console.providers.zadarma import LANGUAGES
from console.providers.zadarma.signing import sign_request
from console.simulators._records import PhoneMessage
from console.simulators._zadarma_calls import CALL_ACTIONS, call_events
from console.simulators._zadarma_messages import put_code_on_phone
from console.simulators.base import ProviderSimulator

CHANNELS = ("sms", "call_code", "call_button", "email")
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)
PHONE_RE = re.compile(r"\+[1-9]\d{6,14}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SOUND_PARAMS = ("greeting_sound_id", "button_1_sound_id", "fallback_sound_id")


class Refusal(Exception):
    """A request parameter is missing or wrong: answered with HTTP 400 and this message."""


def _need(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise Refusal(f'"{name}" param is required')
    return value


def _phone(params: Mapping[str, str], name: str) -> str:
    value = params[name].strip()
    if not PHONE_RE.fullmatch(value):
        raise Refusal(f'"{name}" param must be a phone number in E.164 format with + (e.g. +442037691880)')
    return value


def new_request_id() -> str:
    """A base64-looking id that always has ``=`` and at least one ``+`` or ``/`` (to exercise encoding)."""
    while True:
        rid = base64.b64encode(secrets.token_bytes(16)).decode()
        if "+" in rid or "/" in rid:
            return rid


def new_code(digits: int) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


class ZadarmaSimulator(ProviderSimulator):
    """Zadarma's API as documented: HMAC-SHA1 ``Authorization``, 100 requests a minute, JSON answers.

    Attributes:
        accounts: API key → secret pairs accepted (the spec's demo pair by default).
        rate_limit: requests allowed per key in ``rate_window_s`` (tests lower it).
        sounds: the PBX's IVR sounds (ids are integers, as the OpenAPI file types them).
    """

    provider_id = "zadarma"
    rate_window_s = 60.0
    balance = 10.34
    currency = "USD"
    pbx_id = 1234
    pbx_number = "+442037691881"
    end_event = "NOTIFY_END"  # the product page's event; NOTIFY_OUT_END is what the OpenAPI file says
    scenarios = MappingProxyType(
        {
            "no_money": "Not enough money (status error, HTTP 200)",
            "bad_key": "Not authorized (401)",
            "server_error": "Server error (500, JSON)",
        }
    )

    def __init__(self, state_dir: Path, clock: Callable[[], float] = time.time) -> None:
        super().__init__(state_dir, clock)
        creds = self.credentials()
        self.accounts: dict[str, str] = {creds["key"]: creds["secret"]}
        self.rate_limit = 100
        self.sounds: list[dict[str, Any]] = [
            {"id": 101, "name": "greeting.mp3"},
            {"id": 102, "name": "confirmed.mp3"},
            {"id": 103, "name": "fallback.mp3"},
            {"id": 104, "name": "goodbye.mp3"},
        ]
        self._windows: dict[str, deque[float]] = {}

    # --------------------------------------------------------------------------------------------- plumbing
    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/verify/", self._verify)
        app.router.add_post("/v1/verify/check/", self._check)
        app.router.add_get("/v1/info/balance/", self._balance)
        app.router.add_get("/v1/pbx/ivr/sounds/list/", self._sounds)
        app.router.add_post("/v1/pbx/callinfo/url/", self._callinfo_url)
        app.router.add_post("/v1/pbx/callinfo/notifications/", self._callinfo_notifications)

    def middlewares(self) -> list[Any]:
        return [self._api_middleware]

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return {"status": "error", "message": message}

    def on_reset(self) -> None:
        self._windows.clear()

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse:
        reset = int(self.clock() + self.rate_window_s)
        return self.error_response(
            429, f"Too many requests: the limit is {self.rate_limit} per minute", self._limit_headers(0, reset)
        )

    def _limit_headers(self, remaining: int, reset: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": str(reset),
        }

    def _count(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count a request in the key's sliding window: (allowed, X-RateLimit-* headers)."""
        now = self.clock()
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - self.rate_window_s:
            window.popleft()
        allowed = len(window) < self.rate_limit
        if allowed:
            window.append(now)
        reset = int(-(-(window[0] + self.rate_window_s) // 1)) if window else int(now)
        return allowed, self._limit_headers(self.rate_limit - len(window), reset)

    async def _params(self, request: web.Request) -> dict[str, str]:
        """The request parameters: the query for GET, the form body otherwise (files are never signed)."""
        if request.method in ("GET", "HEAD"):
            return dict(request.query)
        form = await request.post()
        return {name: value for name, value in form.items() if isinstance(value, str)}

    def _auth_failure(self, request: web.Request, params: Mapping[str, str]) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return "Not authorized: the Authorization header is missing"
        key, sep, signature = header.partition(":")
        secret = self.accounts.get(key) if sep else None
        if secret is None:
            return "Not authorized: unknown API key"
        expected = sign_request(key, secret, self.relative_path(request), params).signature
        if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode()):
            return "Not authorized: the signature does not match the request"
        return None

    @web.middleware
    async def _api_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_control(request):
            return await handler(request)
        key = request.headers.get("Authorization", "").partition(":")[0]
        allowed, headers = self._count(key)
        if not allowed:
            return self.rate_limited_response(request)
        params = await self._params(request)
        scenario = self.take_scenario()
        if scenario == "no_money":
            return self._answer(status="error", message="Not enough money on the balance for this request")
        if scenario in ("bad_key", "server_error"):
            status, text = (401, "Not authorized") if scenario == "bad_key" else (500, "Internal server error")
            return self.error_response(status, text, headers)
        failure = self._auth_failure(request, params)
        if failure is not None:
            return self.error_response(401, failure, headers)
        try:
            response = await handler(request)
        except Refusal as exc:
            response = self.error_response(400, str(exc))
        response.headers.update(headers)
        return response

    def _answer(self, **fields: Any) -> web.Response:
        return web.json_response(fields)

    # ----------------------------------------------------------------------------------------------- verify
    async def _verify(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        channel = _need(params, "channel")
        if channel not in CHANNELS:
            raise Refusal(f'"channel" param must be one of: {", ".join(CHANNELS)} (got "{channel}")')
        to = _need(params, "to")
        if channel == "call_code":
            _need(params, "from")
        if channel == "call_button":
            for name in SOUND_PARAMS:
                _need(params, name)
        if channel == "email":
            if not EMAIL_RE.fullmatch(to):
                raise Refusal('"to" param must be an e-mail address for the email channel')
        else:
            to = _phone(params, "to")
        if params.get("from") and channel != "email":
            _phone(params, "from")
        if params.get("from") and channel == "email" and not EMAIL_RE.fullmatch(params["from"]):
            raise Refusal('"from" param must be the e-mail address of an active e-mail integration')
        language = params.get("language") or "en"
        if language not in LANGUAGE_CODES:
            raise Refusal(f'"language" param must be one of: {", ".join(LANGUAGE_CODES)}')
        if channel == "call_button":
            return self._call_button(params, to)
        return self._send_code(channel, params, to, language)

    def _send_code(self, channel: str, params: Mapping[str, str], to: str, language: str) -> web.Response:
        digits = 6 if channel == "email" else 4
        code = params.get("code", "").strip()
        if channel == "email" and code and not re.fullmatch(r"\d{6}", code):
            raise Refusal('"code" param must be six digits for the email channel')
        if code and not re.fullmatch(r"\d{1,10}", code):
            raise Refusal('"code" param must be a number (digits only)')
        if params.get("template_id") and not params["template_id"].isdigit():
            raise Refusal('"template_id" param must be an integer')
        body = params.get("email_body", "")
        if channel == "email" and body and "{#code#}" not in body:
            raise Refusal('"email_body" param must contain the placeholder {#code#}')
        code = code or new_code(digits)
        request_id = new_request_id()
        now = self.clock()
        extra = {"request_id": request_id, "language": language}
        with self.state() as data:
            live = self._live_requests(data, now)
            live[request_id] = {
                "code": code,
                "channel": channel,
                "to": to,
                "created": now,
                "expires": now + self.spec.code_ttl_s,
            }
            put_code_on_phone(self, channel, params, to, language, code, extra)
        return self._answer(status="success", request_id=request_id)

    def _call_button(self, params: Mapping[str, str], to: str) -> web.Response:
        names = {str(s["id"]): str(s["name"]) for s in self.sounds}
        for name in SOUND_PARAMS:
            if params[name].strip() not in names:
                raise Refusal(
                    f'"{name}" param must be a sound id from /v1/pbx/ivr/sounds/list/ (no sound "{params[name]}")'
                )
        greeting, button, fallback = (params[name].strip() for name in SOUND_PARAMS)
        caller = params.get("from") or self.pbx_number
        text = (
            f"Greeting: sound {greeting} ({names[greeting]}). Then: press 1 to confirm → sound {button} "
            f"({names[button]}); no key or another key → fallback sound {fallback} ({names[fallback]})."
        )
        self.add_phone_message(
            channel="call_button",
            to=to,
            kind="call",
            title=f"Call from {caller}",
            text=text,
            extra={
                "from": caller,
                **{name: params[name].strip() for name in SOUND_PARAMS},
                "actions": ",".join(CALL_ACTIONS),
            },
        )
        return self._answer(status="success")

    # -------------------------------------------------------------------------------------------- callbacks
    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        """The user answered the press-1 call: NOTIFY_ANSWER (when answered), then the call's end event."""
        if action not in CALL_ACTIONS:
            return super().phone_action(message, action)
        return call_events(message, action, self.clock(), pbx_number=self.pbx_number, end_event=self.end_event)

    def _live_requests(self, data: dict[str, Any], now: float) -> dict[str, Any]:
        """The stored verifications, with the expired ones dropped."""
        requests: dict[str, Any] = data.setdefault("requests", {})
        for rid in [rid for rid, entry in requests.items() if float(entry.get("expires", 0)) <= now]:
            del requests[rid]
        return requests

    # ------------------------------------------------------------------------------------------------ check
    async def _check(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        request_id = _need(params, "request_id")
        code = _need(params, "code")
        with self.state() as data:
            live = self._live_requests(data, self.clock())
            entry = live.get(request_id)
            if entry is None:
                return self._answer(status="error", message="No such request id")
            if not hmac.compare_digest(code.encode(), str(entry["code"]).encode()):
                entry["attempts"] = int(entry.get("attempts", 0)) + 1
                return self._answer(status="error", message="Invalid verification code")
            del live[request_id]
        return self._answer(status="success", message="Code is correct")

    # ---------------------------------------------------------------------------------------------- lookups
    async def _balance(self, request: web.Request) -> web.Response:
        return self._answer(status="success", balance=self.balance, currency=self.currency)

    async def _callinfo_url(self, request: web.Request) -> web.Response:
        url = _need(await self._params(request), "url")
        if not re.match(r"https?://", url):
            raise Refusal('"url" param must be an http(s) URL')
        with self.state() as data:
            data["callinfo_url"] = url
        return self._answer(status="success", url=url)

    async def _callinfo_notifications(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        names = ("notify_start", "notify_internal", "notify_end", "notify_out_start", "notify_out_end", "notify_answer")
        with self.state() as data:
            current = data.setdefault("notifications", dict.fromkeys(names, "false"))
            current.update({k: v for k, v in params.items() if k in names})
            shown = dict(current)
        return self._answer(status="success", notifications=shown)

    async def _sounds(self, request: web.Request) -> web.Response:
        return self._answer(status="success", pbx_id=self.pbx_id, sounds=[dict(s) for s in self.sounds])


SIMULATOR = ZadarmaSimulator
