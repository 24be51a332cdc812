"""The public API's arguments: a bad value is refused at once, naming it and what is valid."""

from __future__ import annotations

import pytest

from sonicpipe.pipeline import Pipeline
from sonicpipe.sonic.client import SonicClient


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "8"])
def test_max_contexts_must_be_a_positive_whole_number(bad: object) -> None:
    """Zero made every request wait the whole timeout for a slot that never comes, and a
    negative number failed with asyncio's 'Semaphore initial value must be >= 0'."""
    expected = f"max_contexts: expected a whole number of at least 1, got {bad!r}"
    with pytest.raises(ValueError, match=f"^{expected}$"):
        Pipeline(max_contexts=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=f"^{expected}$"):
        SonicClient("ws://127.0.0.1:1", max_contexts=bad)  # type: ignore[arg-type]


def test_settings_must_be_settings_and_plugins_a_sequence_of_objects() -> None:
    """A mapping given as settings failed with "'dict' object has no attribute 'disable'",
    and a 'module:object' string given as plugins was taken letter by letter ('plugin 'm':
    implements no sonicpipe hook')."""
    dict_given = r"^settings: expected a Settings, got dict \(Settings.from_dict"
    with pytest.raises(TypeError, match=dict_given):
        Pipeline({"model": "sonic-3"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^plugins: expected a sequence of plugin objects, got "
                       r"the string 'mymod:plugin'.*Settings\(plugins="):  # fmt: skip
        Pipeline(plugins="mymod:plugin")
