import logging

from kiosk.logs import setup_logging


def test_log_file_rotates_in_the_data_dir_and_masks_numbers(tmp_path):
    path = setup_logging(tmp_path, "INFO")
    try:
        logging.getLogger("kiosk.test").info(
            "read card %s for %s", "6228480012345678010", "110105198805120237"
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert path == tmp_path / "logs" / "kiosk.log"
        assert "622848*********8010" in text and "110105********0237" in text
        assert "6228480012345678010" not in text and "110105198805120237" not in text
    finally:
        for handler in list(logging.getLogger().handlers):
            handler.close()
            logging.getLogger().removeHandler(handler)
