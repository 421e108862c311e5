"""The `nnplay` command."""

import sys


def main(argv=None):
    print("nnplay: the server is not built yet; the engine is importable as `nncore`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
