"""History opened for the faces: rows stored before sends had a destination get it from the descriptions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from console.core.history import History
from console.core.models import Exchange, Verification
from console.providers.provider import Provider
from console.providers.spec import OperationKind
from console.providers.validation import destination_of

BATCH = 500


def open_history(path: Path, providers: Mapping[str, Provider]) -> History:
    """History at ``path``, its older rows filled in (blocking: call off the GUI thread)."""
    history = History(path)
    fill_in_destinations(history, providers)
    return history


def fill_in_destinations(history: History, providers: Mapping[str, Provider]) -> int:
    """Give every row stored without a destination its destination (and a send its channel); return how many.

    A send's destination comes from its provider's destination field (Hamkaran's ``dest``…); a check's, from its
    verification. Rows nothing can be derived for get "" (not looked at again).
    """
    done = 0
    while rows := history.sends_without_destination(BATCH):
        exchanges = [_derived(ex, providers) for ex in rows]
        verifications = _verifications_to_fill(history, exchanges)
        history.fill_in(exchanges, verifications)
        done += len(rows)
    return done


def _derived(ex: Exchange, providers: Mapping[str, Provider]) -> Exchange:
    """The exchange with its destination (and a send's channel) worked out from what was sent."""
    provider = providers.get(ex.provider)
    if provider is None or ex.operation != "send":
        return dataclasses.replace(ex, destination=ex.destination or "")
    spec = provider.spec
    channel = ex.channel or (spec.channels[0].id if len(spec.channels) == 1 else "")
    if channel not in spec.channel_ids() or not any(op.kind is OperationKind.SEND for op in spec.operations):
        return dataclasses.replace(ex, destination="")
    # the stored fields are the validated values, in the provider's own number style
    return dataclasses.replace(ex, channel=channel, destination=destination_of(spec, channel, dict(ex.fields)))


def _verifications_to_fill(history: History, exchanges: list[Exchange]) -> list[Verification]:
    """The verifications of these sends that were stored without a destination or a channel."""
    found: list[Verification] = []
    for ex in exchanges:
        if ex.operation != "send" or not ex.verification_id or not ex.destination:
            continue
        verification = history.get_verification(ex.verification_id)
        if verification is not None and (not verification.destination or not verification.channel):
            verification.destination = verification.destination or ex.destination
            verification.channel = verification.channel or ex.channel
            found.append(verification)
    return found
