"""The kiosk's screens (PySide6)."""

import os

os.environ.setdefault("QT_API", "pyside6")  # qtawesome draws its icons through qtpy
