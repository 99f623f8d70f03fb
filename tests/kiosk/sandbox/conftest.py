from kiosk.sandbox.testing import client, sandbox  # noqa: F401
