"""The embedded sandbox bank: the backend contract over SQLite or PostgreSQL, for demos and
tests."""

from kiosk.sandbox.server import SANDBOX_KIOSK_TOKEN, SandboxServer, start_sandbox

__all__ = ["SANDBOX_KIOSK_TOKEN", "SandboxServer", "start_sandbox"]
