"""What a Zadarma code looks like on the virtual phone: the SMS, the voice call or the e-mail, per language."""

from __future__ import annotations

from collections.abc import Mapping

from console.simulators.base import ProviderSimulator

SMS_TEXT = {
    "en": "Your verification code: {code}",
    "ru": "Ваш код подтверждения: {code}",
    "ua": "Ваш код підтвердження: {code}",
    "de": "Ihr Bestätigungscode: {code}",
    "es": "Su código de verificación: {code}",
    "pl": "Twój kod weryfikacyjny: {code}",
    "fr": "Votre code de vérification : {code}",
}
VOICE_TEXT = {
    "en": "Your code is {digits}. I repeat: {digits}.",
    "ru": "Ваш код: {digits}. Повторяю: {digits}.",
    "ua": "Ваш код: {digits}. Повторюю: {digits}.",
    "de": "Ihr Code lautet {digits}. Ich wiederhole: {digits}.",
    "es": "Su código es {digits}. Repito: {digits}.",
    "pl": "Twój kod to {digits}. Powtarzam: {digits}.",
    "fr": "Votre code est {digits}. Je répète : {digits}.",
}
EMAIL_SUBJECT = {
    "en": "Verification code",
    "ru": "Код подтверждения",
    "ua": "Код підтвердження",
    "de": "Bestätigungscode",
    "es": "Código de verificación",
    "pl": "Kod weryfikacyjny",
    "fr": "Code de vérification",
}


def put_code_on_phone(
    sim: ProviderSimulator,
    channel: str,
    params: Mapping[str, str],
    to: str,
    language: str,
    code: str,
    extra: dict[str, str],
) -> None:
    """Put the code sent on ``channel`` (``sms``, ``call_code`` or ``email``) on the virtual phone as a user sees it."""
    if channel == "sms":
        sender = params.get("caller_id") or "Zadarma"
        sim.add_phone_message(
            channel=channel,
            to=to,
            kind="sms",
            title=f"SMS from {sender}",
            text=SMS_TEXT[language].format(code=code),
            code=code,
            extra=extra,
        )
    elif channel == "call_code":
        spoken = " ".join(code)
        sim.add_phone_message(
            channel=channel,
            to=to,
            kind="voice",
            title=f"Call from {params['from']}",
            text=VOICE_TEXT[language].format(digits=spoken),
            code=code,
            extra=extra,
        )
    else:
        subject = params.get("email_subject") or EMAIL_SUBJECT[language]
        template = params.get("email_body", "") or SMS_TEXT[language].format(code="{#code#}")
        sim.add_phone_message(
            channel=channel,
            to=to,
            kind="email",
            title=subject,
            text=template.replace("{#code#}", code),
            code=code,
            extra={**extra, "from": params.get("from") or "noreply@example.com"},
        )
