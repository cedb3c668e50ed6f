"""The ``attest`` command installed with the package: the same command line
as the ``attest`` binary (every subcommand), compiled into the extension."""

import signal
import sys


def main() -> None:
    from . import _attest

    # Ctrl-C stops the command as it stops the native binary.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(_attest.run_cli(["attest", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
