from __future__ import annotations

import threading
from datetime import date

import cv2
import numpy as np
import pytest

from hardware.errors import Cancelled, DeviceTimeout, MediaNotTaken
from hardware.id_card_reader.simulated import SimulatedIdCardReader


def _check_digit_ok(id_number: str) -> bool:  # GB 11643
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(id_number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == id_number[17]


def test_reads_the_demo_people():
    reader = SimulatedIdCardReader()
    reader.insert("jin")
    card = reader.read(timeout=1)
    assert (card.name, card.sex, card.ethnicity) == ("金顺姬", "female", "朝鲜族")
    assert card.birth_date == date(1950, 3, 8) and card.valid_to is None  # 长期
    assert _check_digit_ok(card.id_number)
    photo = cv2.imdecode(np.frombuffer(card.photo, np.uint8), cv2.IMREAD_COLOR)
    assert photo.shape[:2] == (126, 102)  # a real JPEG of an ID card photo's size
    assert card.id_number not in repr(card)


def test_every_demo_person_has_a_valid_id_number():
    reader = SimulatedIdCardReader()
    for person in ("wang", "jin", "li", "chen", "zhao", "320102199403250527"):
        reader.insert(person)
        assert _check_digit_ok(reader.read(timeout=1).id_number)


def test_person_from_config_and_waiting_for_a_card():
    assert SimulatedIdCardReader(person="zhao").read(timeout=1).name == "赵丽"
    reader = SimulatedIdCardReader()
    with pytest.raises(DeviceTimeout):
        reader.read(timeout=0.1)
    threading.Timer(0.1, reader.insert, args=("li",)).start()
    assert reader.read(timeout=30).name == "李华"


def test_a_read_card_lies_on_the_reader_until_it_is_taken():
    reader = SimulatedIdCardReader()
    assert not reader.present()
    reader.insert("wang")
    reader.read(timeout=1)
    assert reader.present()  # reading does not take it off the reader
    with pytest.raises(MediaNotTaken):
        reader.wait_taken(timeout=0.1)
    assert reader.present() and reader.read(timeout=1).name == "王小明"
    threading.Timer(0.1, reader.take).start()
    reader.wait_taken(timeout=30)
    assert not reader.present()


def test_the_demo_person_takes_their_card_back_when_asked():
    reader = SimulatedIdCardReader(person="zhao")
    reader.read(timeout=1)
    assert reader.present()
    reader.wait_taken(timeout=1)
    assert not reader.present()


def test_waiting_for_the_card_to_be_taken_can_be_cancelled():
    reader = SimulatedIdCardReader()
    reader.insert("li")
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    with pytest.raises(Cancelled):
        reader.wait_taken(timeout=30, cancel=cancel)
    assert reader.present()
