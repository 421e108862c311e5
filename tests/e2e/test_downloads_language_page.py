"""The download card in Vietnamese and Russian (headless Chromium): the offer, the progress
and, offline, which files to put where, with no English word left; the server's own English
sentences are said again from the offer's parts. The servers are test_downloads_page's: a
local file server for MNIST, a closed port for Fashion-MNIST."""

import pytest

from tests.e2e.test_downloads_page import fileserver, nnplay  # noqa: F401  (the fixtures)
from tests.languages import english_in, english_vocabulary

VOCABULARY = english_vocabulary()


def no_english(page, lang, *selectors):
    """No English word in these elements' text, the folder's path (a name) left aside."""
    for selector in selectors:
        text = page.text(selector)
        words = text.replace(str(page.server.data_dir), " ")
        assert not english_in(words, lang, VOCABULARY), (lang, selector, text)


@pytest.mark.parametrize("lang, offer, retry", [("ru", "пока нет на этом сервере", "Повторить"),
                                                ("vi", "chưa có trên máy chủ này", "Thử lại")])
def test_the_download_card_speaks_the_pages_language(page, lang, offer, retry):
    page.open(f"#lang={lang}")
    page.page.locator('[data-dataset="fashion_mnist"]').click()
    card = page.page.locator("#download-card")
    card.wait_for(state="visible")
    assert offer in page.text("#download-title")
    text = page.text("#download-text")
    assert "4" in text and "127.0.0.1" in text
    no_english(page, lang, "#download-title", "#download-text", "#download-start",
               "#download-close")
    page.page.locator("#download-start").click()
    page.wait("document.getElementById('download-card').dataset.state === 'failed'",
              timeout=30000)
    message = page.text("#download-message")
    assert str(page.server.data_dir / "fashion_mnist") in message
    assert "train-images-idx3-ubyte.gz" in message
    assert page.text("#download-start") == retry
    no_english(page, lang, "#download-title", "#download-start")
    # the message names files and a folder; the words around them are the language's
    words = message.replace(str(page.server.data_dir / "fashion_mnist"), " ")
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        words = words.replace(name, " ")
    assert not english_in(words, lang, VOCABULARY), (lang, message)
    # live: the card is written again in the language chosen
    page.page.select_option("#language", "en")
    page.wait("document.getElementById('download-start').textContent === 'Try again'")
    assert "This machine seems to be offline" in page.text("#download-message")
    page.page.locator("#download-close").click()
    card.wait_for(state="hidden")
    assert not page.console_errors, page.console_errors
