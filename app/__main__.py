"""`python -m app`: the `nnplay` command."""

import sys

from app.cli import main

sys.exit(main())
