from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_sandbox_and_simulators():
    config = load_config(None)
    assert config.backend.url == ""
    assert {d["driver"] for d in config.devices.values()} == {"simulated"}


def test_example_file_is_valid_and_documents_every_section():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    config = load_config(example)
    text = example.read_text(encoding="utf-8")
    for section in (
        "[kiosk]",
        "[timeouts]",
        "[backend]",
        "[sandbox]",
        "[journal]",
        "[ui]",
        "[voice]",
        "[supervisor]",
        "[devices.card_reader]",
    ):
        assert section in text
    assert config.kiosk.default_language == "zh_CN"


def test_values_are_read(tmp_path):
    config = load_config(
        write(
            tmp_path,
            """
[kiosk]
id = "STM-0101-09"
languages = ["zh_CN", "ko"]
[timeouts]
idle_s = 90
[devices.card_reader]
driver = "pcsc"
reader = "ACS"
""",
        )
    )
    assert config.kiosk.id == "STM-0101-09" and config.timeouts.idle_s == 90.0
    assert config.devices["card_reader"] == {"driver": "pcsc", "reader": "ACS"}
    assert config.devices["camera"] == {"driver": "simulated"}


@pytest.mark.parametrize(
    "text, named",
    [
        ("[kiosk]\nbranhc = '1'\n", "kiosk.branhc"),
        ("[timeouts]\nidle_s = 'soon'\n", "timeouts.idle_s"),
        ("[backend]\ntimeout_s = true\n", "backend.timeout_s"),
        ("[kiosk]\nlanguages = ['zh_CN', 'fr']\n", "kiosk.languages"),
        ("[timeouts]\nanswer_s = 5\n", "timeouts.answer_s"),
        ("[devices.coffee_machine]\ndriver = 'x'\n", "devices.coffee_machine"),
        ("[nonsense]\na = 1\n", "[nonsense]"),
        ("[kiosk\nid=", "not valid TOML"),
    ],
)
def test_a_bad_file_names_the_key(tmp_path, text, named):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert named in str(error.value)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "absent.toml")
