"""Commands for the datasets read from files (MNIST, Fashion-MNIST): their download."""

from .. import downloads
from . import command


@command("download", logged=False, moves_weights=False)
def download(s, c):
    """Start (or join) the download of a dataset's missing files; `download` events follow.
    With cancel=true, stop waiting for it (it stops when no session waits)."""
    if c.cancel:
        return downloads.cancel(s.settings, c.dataset, s)
    return downloads.start(s.settings, c.dataset, s)
