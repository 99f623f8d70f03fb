"""pcscd for tests and demos: there is one PC/SC socket per machine, so a running pcscd is
reused, and only a pcscd this object started is ever stopped by it."""

from __future__ import annotations

from hardware.card_reader.pcsc import PcscCardReader
from hardware.pcsc import daemon
from hardware.pcsc.daemon import READER_CONF, PcscDaemon


def test_the_virtual_reader_is_configured_on_vpcds_port():
    assert 'FRIENDLYNAME "Virtual PCD"' in READER_CONF
    assert f"0x{daemon.VPCD_PORT:04X}" in READER_CONF and daemon.VPCD_DRIVER in READER_CONF


def test_a_running_pcscd_is_reused_and_left_running(pcscd):
    assert daemon._running()
    again = PcscDaemon()
    again.start()
    assert not again.started_here  # it found the one already answering
    again.stop()
    assert daemon._running()  # and stopping it did not stop someone else's pcscd
    with PcscDaemon() as third:
        assert not third.started_here
    assert daemon._running()


def test_through_it_the_virtual_card_is_read_by_the_real_driver(pcscd, virtual_card):
    reader = PcscCardReader(reader="Virtual PCD 00 00")
    try:
        virtual_card.insert()
        assert reader.accept(timeout=10).pan == virtual_card.pan
    finally:
        reader.close()


def test_nothing_listens_on_a_port_nobody_opened():
    assert not daemon._vpcd_listening(port=1)
