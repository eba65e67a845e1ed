"""Locating the ``pyforge`` binary."""
import os
import shutil
from typing import Optional

from .errors import PyForgeNotFoundError

INSTALL_HINT = (
    "Install the wheel for your platform (pip install pyforge-cli), put 'pyforge' on PATH, "
    "or set PYFORGE_BIN to its full path. From a source checkout with Swift: pip install ."
)


def bundled_binary() -> str:
    """Path where the wheel places the binary, pyforge_cli/bin/pyforge (may not exist)."""
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(package_root, "bin", "pyforge")


def find_binary(explicit: Optional[str] = None) -> str:
    """Return the pyforge binary to run: ``explicit``, else $PYFORGE_BIN, else the copy
    bundled in the package, else ``pyforge`` on PATH. Raises PyForgeNotFoundError."""
    configured = explicit or os.environ.get("PYFORGE_BIN")
    if configured:
        path = os.path.abspath(os.path.expanduser(configured))
        source = "the binary argument" if explicit else "PYFORGE_BIN"
        if not os.path.isfile(path):
            raise PyForgeNotFoundError("pyforge binary not found at %r (from %s). %s" % (path, source, INSTALL_HINT))
        if not os.access(path, os.X_OK):
            raise PyForgeNotFoundError("pyforge binary at %r (from %s) is not executable: chmod +x it." % (path, source))
        return path
    bundled = bundled_binary()
    if os.path.isfile(bundled):
        if not os.access(bundled, os.X_OK):
            try:
                os.chmod(bundled, 0o755)
            except OSError:
                raise PyForgeNotFoundError("The bundled pyforge binary at %r is not executable." % bundled)
        return bundled
    on_path = shutil.which("pyforge")
    if on_path:
        return on_path
    raise PyForgeNotFoundError(
        "pyforge binary not found: PYFORGE_BIN is not set, this package has no bundled binary, "
        "and 'pyforge' is not on PATH. " + INSTALL_HINT)
