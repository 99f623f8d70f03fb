"""Where the journal's MAC key lives: made once, apart from the journal, readable by the
kiosk only; a bank may name its own key store (a TPM, the keyring) in the configuration."""

import stat

import pytest

from kiosk.journal.keys import KEY_BYTES, FileKeyStore, key_store_from


def test_the_key_is_made_once_apart_from_the_journal_and_readable_by_the_kiosk_only(tmp_path):
    store = FileKeyStore(tmp_path / "keys" / "journal-mac.key")
    assert not store.exists()
    key = store.create()
    assert store.load() == key and len(key) == 32
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    with pytest.raises(FileExistsError):
        store.create()  # a new key would orphan every MAC already written


def test_a_key_of_the_wrong_length_is_refused(tmp_path):
    store = FileKeyStore(tmp_path / "journal-mac.key")
    store.path.write_text("00" * (KEY_BYTES - 1) + "\n")
    with pytest.raises(ValueError, match="32 bytes"):
        store.load()


def test_the_default_store_is_a_file_at_the_configured_path(tmp_path):
    store = key_store_from("file", tmp_path / "keys" / "journal-mac.key")
    assert isinstance(store, FileKeyStore)
    assert store.path == tmp_path / "keys" / "journal-mac.key"


class ProcessKeyStore:
    """A bank's own store, as `[journal] key_store = "module:ClassName"` names it."""

    key = b"\x07" * KEY_BYTES

    def exists(self) -> bool:
        return True

    def load(self) -> bytes:
        return self.key

    def create(self) -> bytes:
        raise FileExistsError("made by the bank")


def test_a_bank_names_its_own_key_store_by_module_and_class(tmp_path):
    store = key_store_from(f"{__name__}:ProcessKeyStore", tmp_path / "unused.key")
    assert isinstance(store, ProcessKeyStore) and store.load() == ProcessKeyStore.key
    assert not (tmp_path / "unused.key").exists()
