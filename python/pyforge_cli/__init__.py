"""pyforge: convert CSV/TSV, JSON, XML, Excel, dBase, Access and PDF files to typed Parquet,
CSV, JSON or Delta Lake. The ``pyforge`` command runs the native binary shipped in this
package (``pyforge_cli/bin``); notebooks use ``from pyforge_cli.extensions.databricks import forge``."""

__version__ = "2.0.0"
