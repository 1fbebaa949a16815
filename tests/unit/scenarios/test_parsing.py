"""Scenario files: the documented shape parses; every refusal says path, line, column and what is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.scenarios.parsing import ScenarioFileError, load_file, parse_text

EXAMPLE = """\
[[scenario]]
name = "YCloud: delivered, wrong code, right code, reuse refused"
provider = "ycloud"                      # default for every step
env = "simulator"                        # default; the command line can override

  [[scenario.step]]
  send = { to = "+447911123456" }        # any field of the provider's description
  expect = { ok = true, state = "pending" }

  [[scenario.step]]
  phone = "deliver"
  expect = { callback = "delivered", signature = "valid", within_s = 5 }

  [[scenario.step]]
  check = { code = "000000" }
  expect = { outcome = "wrong_code" }

  [[scenario.step]]
  check = { code = "{phone.code}" }
  expect = { state = "verified" }

  [[scenario.step]]
  check = { code = "{phone.code}" }
  expect = { error_code = "already_verified" }
"""
PATH = Path("flows/ycloud.toml")


def test_the_documented_example_parses() -> None:
    (scenario,) = parse_text(EXAMPLE, PATH).scenarios
    assert (scenario.name, scenario.provider, scenario.env, scenario.path) == (
        "YCloud: delivered, wrong code, right code, reuse refused",
        "ycloud",
        "simulator",
        PATH,
    )
    assert [(s.number, s.action, s.argument, s.line) for s in scenario.steps] == [
        (1, "send", {"to": "+447911123456"}, 6),
        (2, "phone", "deliver", 10),
        (3, "check", {"code": "000000"}, 14),
        (4, "check", {"code": "{phone.code}"}, 18),
        (5, "check", {"code": "{phone.code}"}, 22),
    ]
    assert scenario.steps[1].expect == {"callback": "delivered", "signature": "valid", "within_s": 5}
    assert scenario.steps[3].title == "step 4: check"


def test_several_scenarios_steps_of_other_providers_waits_faults_and_fallbacks(tmp_path: Path) -> None:
    text = """
[[scenario]]
name = "one"
provider = "zadarma"
  [[scenario.step]]
  fault = "no_money"
  [[scenario.step]]
  send = { to = "+442037691880", channel = "sms" }
  fallback = [{ provider = "ycloud", to = "+447911123456" }, { provider = "vbee" }]
  timeout_s = 2
  expect = { error_code = "no_money", within_s = 1 }
  [[scenario.step]]
  wait = 0.5
  [[scenario.step]]
  provider = "ssms"
  fault = "twice"

[[scenario]]
name = "two"
  [[scenario.step]]
  provider = "hamkaran"
  send = { to = "09123456789", src = "2192003513" }
"""
    path = tmp_path / "many.toml"
    path.write_text(text)
    first, second = load_file(path).scenarios
    assert [s.action for s in first.steps] == ["fault", "send", "wait", "fault"]
    send = first.steps[1]
    assert (send.timeout_s, send.fallback) == (2, ({"provider": "ycloud", "to": "+447911123456"}, {"provider": "vbee"}))
    assert first.steps[2].argument == 0.5
    assert first.steps[3].provider == "ssms"
    assert (second.provider, second.steps[0].argument) == ("hamkaran", {"to": "09123456789", "src": "2192003513"})


def swap(old: str, new: str) -> str:
    return EXAMPLE.replace(old, new, 1)


REFUSALS = [
    ("unknown top-level key", swap("[[scenario]]", "scenarios = 1\n[[scenario]]"), (1, 1), "unknown key 'scenarios'"),
    ("unknown scenario key", swap('env = "simulator"', 'envy = "simulator"'), (4, 1), "unknown key 'envy'"),
    ("unknown step key", swap('phone = "deliver"', 'phon = "deliver"'), (11, 3), "did you mean 'phone'"),
    ("two actions", swap('phone = "deliver"', 'phone = "deliver"\n  wait = 1'), (10, 1), "exactly one of"),
    ("no action", swap('  phone = "deliver"\n', ""), (10, 1), "exactly one of send, check, phone, wait, fault"),
    ("unknown provider", swap('provider = "ycloud"', 'provider = "ycluod"'), (3, 1), "did you mean 'ycloud'"),
    (
        "unknown send field",
        swap('{ to = "+447911123456" }', '{ too = "+447911123456" }'),
        (7, 12),
        "has no field 'too'",
    ),
    (
        "unknown channel",
        swap('{ to = "+447911123456" }', '{ to = "+1", channel = "sms" }'),
        (7, 3),
        "has no channel 'sms'",
    ),
    (
        "unknown check field",
        swap('check = { code = "000000" }', 'check = { cod = "000000" }'),
        (15, 13),
        "has no field 'cod'",
    ),
    ("unknown expectation", swap('state = "pending"', 'stat = "pending"'), (8, 25), "did you mean 'state'"),
    ("bad wait", swap('phone = "deliver"', 'wait = "soon"'), (11, 3), "wait is a number of seconds"),
    ("unknown fault", swap('phone = "deliver"', 'fault = "meteor"'), (11, 3), "no fault 'meteor'"),
    (
        "fallback on a check",
        swap('check = { code = "000000" }', 'check = { code = "000000" }\n  fallback = []'),
        (16, 3),
        "only a send",
    ),
    ("not TOML", swap("[[scenario.step]]", "[[scenario.step]"), (6, 18), "not valid TOML"),
    ("no scenario", "# nothing here\n", (1, 1), "at least one [[scenario]]"),
    ("no name", swap('name = "YCloud', 'title = "YCloud'), (2, 1), "unknown key 'title'"),
]


@pytest.mark.parametrize(("text", "where", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals_name_the_place_and_what_is_valid(text: str, where: tuple[int, int], words: str) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        parse_text(text, PATH)
    error = caught.value
    assert (error.path, error.line, error.column) == (PATH, *where), str(error)
    assert words in error.reason
    assert str(error).startswith(f"{PATH}:{where[0]}:{where[1]}: ")


def test_an_unknown_key_lists_the_valid_ones() -> None:
    with pytest.raises(ScenarioFileError) as caught:
        parse_text(EXAMPLE.replace('state = "pending"', 'stat = "pending"'), PATH)
    assert "valid: provider, operation, channel" in caught.value.reason
    assert "callback, signature, within_s, latency_ms_max" in caught.value.reason


def test_an_unreadable_file_is_refused_too(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="cannot be read"):
        load_file(tmp_path / "missing.toml")
