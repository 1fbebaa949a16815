"""The virtual phone inbox: persisted, bounded, each message announced once, also across processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.simulators._phone import MAX_PHONE_MESSAGES, PHONE_KEY, PhoneInbox
from console.simulators._records import PhoneMessage, SimulatorError
from console.simulators._state import StateFile
from console.simulators.base import ProviderSimulator


class _Sim(ProviderSimulator):
    """The base's wiring of the inbox (state writes announce), without routes."""

    provider_id = "phonetest"


def _sms(sim: ProviderSimulator, text: str = "x") -> PhoneMessage:
    return sim.add_phone_message(channel="sms", to="+10000000000", kind="sms", title="t", text=text, code=text)


def test_a_message_is_stored_with_the_provider_and_clock(tmp_path: Path) -> None:
    sim = _Sim(tmp_path, clock=lambda: 1234.5)
    message = _sms(sim, "42")
    assert (message.provider, message.at, message.extra) == ("phonetest", 1234.5, {})
    assert sim.phone_messages() == [message]
    assert sim.find_message(message.id) == message
    assert StateFile(tmp_path, "phonetest").read()[PHONE_KEY] == [message.to_dict()]
    with pytest.raises(SimulatorError, match="No message 'nope' on the phonetest virtual phone"):
        sim.find_message("nope")


def test_subscribers_hear_each_message_once_after_the_outer_write(tmp_path: Path) -> None:
    sim = _Sim(tmp_path)
    heard: list[str | None] = []
    unsubscribe = sim.on_phone_message(lambda m: heard.append(m.code))
    with sim.state():
        _sms(sim, "1")
        _sms(sim, "2")
        assert heard == []  # not before the state is written
    assert heard == ["1", "2"]
    with sim.state():
        pass
    assert heard == ["1", "2"]
    unsubscribe()
    unsubscribe()  # twice is harmless
    _sms(sim, "3")
    assert heard == ["1", "2"]


def test_the_phone_keeps_the_newest_messages(tmp_path: Path) -> None:
    sim = _Sim(tmp_path)
    with sim.state() as data:
        data[PHONE_KEY] = [
            PhoneMessage(str(n), "phonetest", "sms", "+1", "sms", "", "", None, 0.0).to_dict()
            for n in range(MAX_PHONE_MESSAGES)
        ]
    newest = _sms(sim)
    messages = sim.phone_messages()
    assert len(messages) == MAX_PHONE_MESSAGES
    assert (messages[0].id, messages[-1]) == ("1", newest)


def test_messages_written_elsewhere_are_announced_on_poll(tmp_path: Path) -> None:
    before = _sms(_Sim(tmp_path), "old")
    sim = _Sim(tmp_path)
    heard: list[str | None] = []
    sim.on_phone_message(lambda m: heard.append(m.code))
    sim.poll_external()
    assert heard == []  # what was there at start is not news
    _sms(_Sim(tmp_path), "new")  # another process, sharing the file
    sim.poll_external()
    sim.poll_external()
    assert heard == ["new"]
    assert sim.phone_messages()[0].id == before.id


def test_changed_elsewhere_is_a_cheap_signature_check(tmp_path: Path) -> None:
    store = StateFile(tmp_path, "raw")
    inbox = PhoneInbox("raw", store, store.open, clock=lambda: 0.0)
    assert not inbox.changed_elsewhere()
    with store.open() as data:
        data["other"] = 1
    assert inbox.changed_elsewhere()
    inbox.announce_new([])
    assert not inbox.changed_elsewhere()
