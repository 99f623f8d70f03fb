"""Kiosk configuration: one TOML file, every key documented in config.example.toml.

Defaults make a fresh checkout run: the embedded sandbox backend and simulated devices. A key
that is unknown or of the wrong type stops the start-up with a message naming it, because a
teller machine that silently ignores its configuration is worse than one that does not start.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

DEVICE_NAMES = ("id_card_reader", "card_reader", "pin_pad", "camera", "card_dispenser", "printer")


class ConfigError(ValueError):
    """A configuration problem, naming the file and the key."""


@dataclass
class KioskSection:
    id: str = "STM-0101-01"
    branch: str = "0101"
    data_dir: str = ""  # empty: $SMART_TELLER_DATA or ~/.local/share/smart-teller
    languages: list[str] = field(default_factory=lambda: ["zh_CN", "zh_TW", "en", "ko"])
    default_language: str = "zh_CN"
    log_level: str = "INFO"


@dataclass
class TimeoutsSection:
    idle_s: float = 60.0
    answer_s: float = 30.0
    result_s: float = 20.0
    care_factor: float = 2.0
    max_extensions: int = 10


@dataclass
class BackendSection:
    url: str = ""  # empty: start the embedded sandbox on loopback
    kiosk_token: str = "sandbox-kiosk-token"
    timeout_s: float = 10.0
    heartbeat_s: float = 60.0  # how often the kiosk reports its devices and figures
    ca_bundle: str = ""
    client_cert: str = ""
    client_key: str = ""


@dataclass
class SandboxSection:
    database_url: str = ""  # empty: SQLite in the data directory
    port: int = 0
    pin_key: str = "00112233445566778899aabbccddeeff"  # demo only; a real HSM keeps its keys


@dataclass
class JournalSection:
    path: str = ""  # empty: journal.sqlite in the data directory


@dataclass
class UiSection:
    fullscreen: bool = True
    care_mode: bool = False  # start every session in care mode (a seniors' branch)
    attract_wake_on_face: bool = True


@dataclass
class BankSection:
    # The bank's name in the top bar, per language; a language not listed gets the catalog's
    # neutral "screens.bank.name".
    name: dict[str, str] = field(default_factory=dict)
    logo: str = ""  # an SVG file; empty: the neutral logo in assets/brand/logo.svg


@dataclass
class VoiceSection:
    speech_out: bool = True  # speak prompts in care mode and speech mode
    rate: int = 170  # words a minute; care mode speaks slower
    care_rate: int = 130
    volume: float = 0.9
    models: dict[str, str] = field(default_factory=dict)  # language -> vosk model folder
    voices: dict[str, str] = field(default_factory=dict)  # language -> espeak-ng voice


@dataclass
class SupervisorSection:
    # Staff sign in with their staff number and password, checked by the backend.
    exit_code: str = "98"  # typed on the supervisor screen to quit the application


@dataclass
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    timeouts: TimeoutsSection = field(default_factory=TimeoutsSection)
    backend: BackendSection = field(default_factory=BackendSection)
    sandbox: SandboxSection = field(default_factory=SandboxSection)
    journal: JournalSection = field(default_factory=JournalSection)
    ui: UiSection = field(default_factory=UiSection)
    bank: BankSection = field(default_factory=BankSection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    supervisor: SupervisorSection = field(default_factory=SupervisorSection)
    # One table per device: {"driver": "simulated" | "pcsc" | ... , driver options...}
    devices: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {name: {"driver": "simulated"} for name in DEVICE_NAMES}
    )

    @property
    def data_dir(self) -> Path:
        configured = self.kiosk.data_dir or os.environ.get("SMART_TELLER_DATA", "")
        path = Path(configured) if configured else Path.home() / ".local/share/smart-teller"
        return path.expanduser()

    @property
    def journal_path(self) -> Path:
        return (
            Path(self.journal.path).expanduser()
            if self.journal.path
            else (self.data_dir / "journal.sqlite")
        )


def _check(value: Any, expected: Any, where: str) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    origin = getattr(expected, "__origin__", expected)
    if not isinstance(value, origin) or (origin is not bool and isinstance(value, bool)):
        name = getattr(origin, "__name__", str(origin))
        raise ConfigError(f"{where}: expected {name}, got {type(value).__name__} {value!r}")
    return value


def _fill(section: Any, table: dict[str, Any], where: str) -> None:
    hints = get_type_hints(type(section))
    known = {f.name for f in dataclasses.fields(section)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}.{key}: unknown key (known: {', '.join(sorted(known))})")
        setattr(section, key, _check(value, hints[key], f"{where}.{key}"))


def load_config(path: str | Path | None = None) -> Config:
    """Reads the file (if any) over the defaults, checking every key."""
    config = Config()
    if path is None:
        return config
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for name, table in raw.items():
        if name == "devices":
            _load_devices(config, table, path)
            continue
        if name not in {f.name for f in dataclasses.fields(config)} or not isinstance(table, dict):
            raise ConfigError(f"{path}: [{name}] is not a configuration table")
        _fill(getattr(config, name), table, f"{path}: {name}")
    _validate(config, path)
    return config


def _load_devices(config: Config, table: Any, path: Path) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [devices] must be a table of devices")
    for device, options in table.items():
        if device not in DEVICE_NAMES:
            raise ConfigError(
                f"{path}: devices.{device}: unknown device (known: {', '.join(DEVICE_NAMES)})"
            )
        if not isinstance(options, dict) or not isinstance(options.get("driver", ""), str):
            raise ConfigError(f"{path}: devices.{device}.driver: expected a driver name")
        config.devices[device] = {"driver": "simulated", **options}


def _validate(config: Config, path: Path) -> None:
    from kiosk.i18n import available_languages

    known = set(available_languages())
    for language in config.kiosk.languages:
        if language not in known:
            raise ConfigError(
                f"{path}: kiosk.languages: no catalog for {language!r} "
                f"(have: {', '.join(sorted(known))})"
            )
    if config.kiosk.default_language not in config.kiosk.languages:
        raise ConfigError(
            f"{path}: kiosk.default_language: {config.kiosk.default_language!r} "
            "is not in kiosk.languages"
        )
    if config.timeouts.answer_s < 20:
        raise ConfigError(f"{path}: timeouts.answer_s: customers need at least 20 s to answer")
    for name in ("idle_s", "result_s", "care_factor"):
        if getattr(config.timeouts, name) <= 0:
            raise ConfigError(f"{path}: timeouts.{name}: must be more than 0")
