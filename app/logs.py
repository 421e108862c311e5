"""What the server's log never shows: resume tokens, and tracebacks for a client's bad bytes.

uvicorn logs every request and websocket with its query string (`/ws?resume=TOKEN`), and a
resume token is the key to a session: whoever reads the log could take it over. And uvicorn's
websocket layer logs a text message that is not UTF-8 with `logger.exception`, a traceback per
frame for what is only a client's mistake (it closes that connection with 1007).
"""

import logging
import re

RESUME_TOKEN = re.compile(r"(\b(?:resume|student|teacher)=)[^&\s\"']+")  # room tokens too
SERVER_LOGGERS = ("nnplay", "uvicorn", "uvicorn.error", "uvicorn.access")


def redact(text):
    return RESUME_TOKEN.sub(r"\1<redacted>", text)


class RedactResumeTokens(logging.Filter):
    """Replace the token in `resume=TOKEN` in a record's message and its arguments (uvicorn's
    access formatter reads the arguments, so they keep their places)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class ShortClientErrors(logging.Filter):
    """A text frame that is not UTF-8 becomes one warning line, without the traceback."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, UnicodeDecodeError) and str(record.msg).startswith("Invalid UTF-8"):
            record.msg = ("a client sent a text message that is not valid UTF-8 (%s); its "
                          "connection was closed with 1007")
            record.args = (error.reason,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def install_filters():
    """Put the filters on the server's loggers (after uvicorn has configured its logging)."""
    for name in SERVER_LOGGERS:
        logging.getLogger(name).addFilter(RedactResumeTokens())
    logging.getLogger("uvicorn.error").addFilter(ShortClientErrors())
