"""Offline voice: speech out (espeak-ng), speech in (vosk), and voice navigation of flows."""
