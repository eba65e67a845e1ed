"""pyforge for notebooks::

    from pyforge_cli.extensions.databricks import forge
    forge.convert("/dbfs/raw/sales.csv", output_format="parquet")

``forge`` drives one long-lived ``pyforge serve --stdio`` process (started on first
use, restarted transparently if it dies, shut down at interpreter exit).
"""
from .api import CONVERT_OPTIONS, INSPECT_OPTIONS, PyForgeDatabricks
from .errors import (ConversionFailed, InvalidRequest, PyForgeError, PyForgeNotFoundError, ServerError,
                     UnsupportedFeature)

forge = PyForgeDatabricks()

__all__ = [
    "forge", "PyForgeDatabricks", "CONVERT_OPTIONS", "INSPECT_OPTIONS", "PyForgeError", "PyForgeNotFoundError",
    "ConversionFailed", "ServerError", "InvalidRequest", "UnsupportedFeature",
]
