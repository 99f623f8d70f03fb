"""The `kiosk` command: tools go to their subsystem, a bad configuration and a missing display
are said in one line each, never a traceback."""

from __future__ import annotations

import pytest

from ui import cli


def test_a_tool_gets_the_rest_of_the_command_line(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["journal", "--help"])
    assert done.value.code == 0
    assert "kiosk journal" in capsys.readouterr().out


def test_a_bad_configuration_stops_the_start_naming_the_key(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text('[timeouts]\nidle_s = "soon"\n')
    assert cli.main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "timeouts.idle_s" in err and "Traceback" not in err


def test_without_a_display_it_says_how_to_see_the_kiosk(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main([]) == 3
    assert "kiosk screenshot" in capsys.readouterr().err


@pytest.mark.parametrize(
    "table, key",
    [
        ('[devices.pin_pad]\ndriver = "simulated"\npin_key = "not hex"\n', "devices.pin_pad"),
        ('[devices.printer]\ndriver = "simulated"\npapr = 10\n', "devices.printer"),
        ('[devices.card_reader]\ndriver = "magstripe"\n', "devices.card_reader"),
    ],
)
def test_a_device_table_no_driver_takes_stops_the_start_naming_it(tmp_path, capsys, table, key):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n' + table)
    assert cli.main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert key in err and "Traceback" not in err
