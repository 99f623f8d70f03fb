"""Kiosk configuration: one TOML file, every key documented in config.example.toml.

Defaults make a fresh checkout run: the embedded sandbox backend and simulated devices. A key
that is unknown or of the wrong type stops the start-up with a message naming it, because a
teller machine that silently ignores its configuration is worse than one that does not start.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

DEVICE_NAMES = ("id_card_reader", "card_reader", "pin_pad", "camera", "card_dispenser", "printer")


class ConfigError(ValueError):
    """A configuration problem, naming the file and the key."""


@dataclass(frozen=True)
class Rule:
    """What a key may hold beyond its type, declared beside it (`setting(...)`).

    low/high bound numbers (`low_open`: the bound itself is refused); numbers must be finite;
    `choices` lists an enum; `pattern` (with `what`, its words) is matched by whole strings;
    `hex_bytes` wants that many bytes of hex.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()
    pattern: str = ""
    what: str = ""
    hex_bytes: int = 0

    def problem(self, value: Any) -> str | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                return f"must be a finite number, got {value!r}"
            if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
                bound = "more than" if self.low_open else "at least"
                return f"must be {bound} {self.low:g}, got {value!r}"
            if self.high is not None and value > self.high:
                return f"must be at most {self.high:g}, got {value!r}"
        if isinstance(value, str):
            if self.choices and value not in self.choices:
                return f"must be one of {', '.join(self.choices)}, got {value!r}"
            if self.pattern and not re.fullmatch(self.pattern, value):
                return f"must be {self.what}, got {value!r}"
            if self.hex_bytes:
                try:
                    size = len(bytes.fromhex(value))
                except ValueError:
                    size = -1
                if size != self.hex_bytes:
                    return f"must be {self.hex_bytes} bytes of hex ({2 * self.hex_bytes} digits)"
        return None


def setting(default: Any, **rule: Any) -> Any:
    """A key with a default and its Rule."""
    if isinstance(default, (list, dict)):
        return field(
            default_factory=lambda: type(default)(default), metadata={"rule": Rule(**rule)}
        )
    return field(default=default, metadata={"rule": Rule(**rule)})


def seconds(default: float, at_least: float | None = None) -> Any:
    """A duration: finite and more than 0 (or at least `at_least`)."""
    if at_least is None:
        return setting(default, low=0, low_open=True)
    return setting(default, low=at_least)


def count(default: int, at_least: int = 0, at_most: int | None = None) -> Any:
    return setting(default, low=at_least, high=at_most)


def rule_of(section: Any, name: str) -> Rule:
    rule: Rule = next(f for f in dataclasses.fields(section) if f.name == name).metadata.get(
        "rule", Rule()
    )
    return rule


KIOSK_ID = r"STM-[0-9]{4}-[0-9]{2}"  # a kiosk id names its branch: STM-<branch>-<number>
BRANCH_ID = r"[0-9]{4}"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass
class KioskSection:
    id: str = setting("STM-0101-01", pattern=KIOSK_ID, what="STM-<branch>-<two digits>")
    branch: str = setting("0101", pattern=BRANCH_ID, what="four digits")
    data_dir: str = ""  # empty: $SMART_TELLER_DATA or ~/.local/share/smart-teller
    languages: list[str] = field(default_factory=lambda: ["zh_CN", "zh_TW", "en", "ko"])
    default_language: str = "zh_CN"
    log_level: str = setting("INFO", choices=LOG_LEVELS)


@dataclass
class TimeoutsSection:
    idle_s: float = seconds(60.0)
    answer_s: float = seconds(30.0, at_least=20)  # WCAG 2.2.1: at least 20 s to answer
    result_s: float = seconds(20.0)
    care_factor: float = setting(2.0, low=1)
    max_extensions: int = count(10)


@dataclass
class BackendSection:
    url: str = setting("", pattern=r"(https?://\S+)?", what="empty or an http(s):// URL")
    kiosk_token: str = setting("sandbox-kiosk-token", pattern=r"\S+", what="a token")
    timeout_s: float = seconds(10.0)
    heartbeat_s: float = seconds(60.0, at_least=1)  # how often the kiosk reports to the bank
    ca_bundle: str = ""
    client_cert: str = ""
    client_key: str = ""


@dataclass
class SandboxSection:
    database_url: str = ""  # empty: SQLite in the data directory
    port: int = count(0, at_most=65535)
    # demo only; a real HSM keeps its keys
    pin_key: str = setting("00112233445566778899aabbccddeeff", hex_bytes=16)


@dataclass
class JournalSection:
    path: str = ""  # empty: journal.sqlite in the data directory
    key_path: str = (
        ""  # empty: keys/journal-mac.key in the data directory (never beside the journal)
    )
    key_store: str = setting("file", pattern=r"file|[\w.]+:\w+", what="file or module:ClassName")


@dataclass
class UiSection:
    fullscreen: bool = True
    care_mode: bool = False  # start every session in care mode (a seniors' branch)
    attract_wake_on_face: bool = True


@dataclass
class VoiceSection:
    speech_out: bool = True  # speak prompts in care mode and speech mode
    rate: int = count(170, at_least=1)  # words a minute; care mode speaks slower
    care_rate: int = count(130, at_least=1)
    volume: float = setting(0.9, low=0, high=1)
    models: dict[str, str] = field(default_factory=dict)  # language -> vosk model folder
    voices: dict[str, str] = field(default_factory=dict)  # language -> espeak-ng voice


@dataclass
class SupervisorSection:
    # Staff sign in with their staff number and password, checked by the backend.
    # typed on the supervisor screen's keypad to quit the application
    exit_code: str = setting("98", pattern=r"[0-9]{1,12}", what="1 to 12 digits")
    exit_code_tries: int = count(3, at_least=1)  # wrong exit codes before signing in again
    idle_sign_out_s: float = seconds(120.0)  # staff are signed out after this long untouched
    sign_in_tries: int = count(5, at_least=1, at_most=10)  # wrong passwords, then locked
    lock_minutes: float = seconds(15.0)
    # staff authorise a customer's step with their staff card and its PIN on the PIN pad;
    # "password" (number and password typed on the screen) only where the bank allows it
    staff_authorisation: str = setting("card", choices=("card", "password"))


@dataclass
class MonitoringSection:
    # Prometheus metrics for the bank's fleet monitoring; loopback unless the bank opens it.
    enabled: bool = False
    address: str = setting("127.0.0.1", pattern=r"\S+", what="a host address")
    port: int = count(9464, at_least=1, at_most=65535)


@dataclass
class BankSection:
    # the bank's customer-service number, given by the guide
    hotline: str = setting("95599", pattern=r"[0-9][0-9-]{2,15}", what="a phone number")
    withdrawal_limit_yuan: int = count(20_000, at_least=100)  # a card's cash a day
    # billers offered first, in this order; the rest follow by how often they are paid here
    biller_order: list[str] = field(
        default_factory=lambda: ["water", "electricity", "gas", "phone"]
    )
    # The bank's name in the top bar, per language; a language not listed gets the catalog's
    # neutral "screens.bank.name".
    name: dict[str, str] = field(default_factory=dict)
    logo: str = ""  # an SVG file; empty: the neutral logo in assets/brand/logo.svg


@dataclass
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    timeouts: TimeoutsSection = field(default_factory=TimeoutsSection)
    backend: BackendSection = field(default_factory=BackendSection)
    sandbox: SandboxSection = field(default_factory=SandboxSection)
    journal: JournalSection = field(default_factory=JournalSection)
    ui: UiSection = field(default_factory=UiSection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    supervisor: SupervisorSection = field(default_factory=SupervisorSection)
    monitoring: MonitoringSection = field(default_factory=MonitoringSection)
    bank: BankSection = field(default_factory=BankSection)
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
    def journal_key_path(self) -> Path:
        path = self.journal.key_path or self.data_dir / "keys" / "journal-mac.key"
        return Path(path).expanduser()

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
        value = _check(value, hints[key], f"{where}.{key}")
        problem = rule_of(section, key).problem(value)
        if problem:
            raise ConfigError(f"{where}.{key}: {problem}")
        setattr(section, key, value)


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
    if not config.kiosk.id.startswith(f"STM-{config.kiosk.branch}-"):
        raise ConfigError(
            f"{path}: kiosk.id: {config.kiosk.id!r} is not a kiosk of branch {config.kiosk.branch}"
        )
