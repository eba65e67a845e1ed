"""The ``pyforge`` command that pip puts on PATH: it runs the native binary in this package.

PyForge CLI 1.x's console script was ``pyforge = pyforge_cli.main:cli``; 2.x keeps that
entry point, so ``pip install --upgrade pyforge-cli`` replaces the 1.x command in place.
Like ruff's and uv's wheels, the work is done by a native executable shipped in the
wheel (``pyforge_cli/bin/pyforge``); this function only replaces the Python process with
it (``execv``: signals, exit codes, stdin/stdout and the terminal behave as if the binary
had been started directly, and no Python stays in memory).
"""
import os
import sys

from .extensions.databricks._binary import bundled_binary


def cli() -> None:
    binary = bundled_binary()
    if not os.path.isfile(binary):
        sys.stderr.write(
            "pyforge: this installation of pyforge-cli has no native binary (%s is missing). "
            "Install the wheel for your platform (pip install --force-reinstall pyforge-cli), "
            "or build from a source checkout with Swift: pip install .\n" % binary)
        sys.exit(1)
    # The name the user typed, so usage messages say "pyforge", not the full path.
    os.execv(binary, ["pyforge"] + sys.argv[1:])


if __name__ == "__main__":
    cli()
