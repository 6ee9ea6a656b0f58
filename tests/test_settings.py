"""Settings from the environment: malformed numbers are clear errors, not tracebacks."""

from __future__ import annotations

import pytest

from assistant import settings
from assistant.channels import cli
from assistant.errors import PlanQAError, SettingsError


@pytest.fixture(autouse=True)
def _fresh_settings():
    settings.reset()
    yield
    settings.reset()


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("PLANQA_WEB_THREADS", "abc", "an integer"),
    ("PLANQA_WEB_THREADS", "2.5", "an integer"),
    ("PLANQA_RATE_PER_MINUTE", "lots", "a number"),
    ("PLANQA_RATE_BURST", "nan", "a number"),
    ("PLANQA_LINE_TIMEOUT", "inf", "a number"),
    ("PLANQA_RATE_BURST", "-1", "a number >= 0"),
    ("PORT", "99999", "an integer 1-65535"),
    ("PLANQA_MAX_QUESTION_CHARS", "0", "an integer >= 1"),
    ("PLANQA_ANSWER_THREADS", "x", "an integer"),  # the old name of PLANQA_WEB_THREADS
])
def test_malformed_number_names_the_variable(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as e:
        settings.get()
    assert isinstance(e.value, PlanQAError)
    assert e.value.name == name
    assert f"{name}={value!r}" in e.value.message and f"expected {expected}" in e.value.message
    assert "ต้องเป็น" in e.value.message


def test_valid_numbers_and_blank_values(monkeypatch):
    monkeypatch.setenv("PLANQA_WEB_THREADS", " 3 ")
    monkeypatch.setenv("PLANQA_RATE_PER_MINUTE", "90.5")
    monkeypatch.setenv("PORT", "")  # blank: the default
    s = settings.get()
    assert (s.web_threads, s.rate_per_minute, s.port) == (3, 90.5, 8000)


def test_cli_reports_a_malformed_value_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("PLANQA_LINE_RETRIES", "two")
    assert cli.main(["feedback"]) == 2
    err = capsys.readouterr().err
    assert "PLANQA_LINE_RETRIES='two'" in err and "Traceback" not in err
