"""Every test has its own state file (tests/conftest.py ``_own_state_file``), also when a
developer has exported PLANQA_STATE: no test sees another's conversations or handled
LINE events (which made the LINE proposal tests wait for replies that never came)."""

from __future__ import annotations

import os

from assistant import settings
from assistant.stores.backends import open_state

CID = "isolation:c1"


def _state():
    return open_state(settings.get())


def test_a_conversation_written_by_one_test(_own_state_file):
    assert settings.get().state_path == _own_state_file == __import__("pathlib").Path(os.environ["PLANQA_STATE"])
    st = _state()
    try:
        st.save_conversation(CID, {"turns": [{"question": "ปี 69 ล่ะ"}]}, owner="isolation")
        assert st.load_conversation(CID)["turns"][0]["question"] == "ปี 69 ล่ะ"
    finally:
        st.close()


def test_is_not_seen_by_the_next(_own_state_file):
    st = _state()
    try:
        assert st.load_conversation(CID) is None
        assert settings.get().state_path == _own_state_file
    finally:
        st.close()


def test_settings_read_before_the_test_point_at_its_file_too(_own_state_file, tmp_path):
    settings.override(index_dir=tmp_path)  # settings cached by an earlier call
    assert settings.get().state_path == _own_state_file
    settings.reset()
    assert settings.get().state_path == _own_state_file  # and read again from the environment
