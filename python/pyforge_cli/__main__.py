"""``python -m pyforge_cli …`` is the ``pyforge`` command."""
from .main import cli

cli()
