"""polars: read_csv + write_parquet (snappy, like pyforge)."""
import sys

import polars as pl

pl.read_csv(sys.argv[1]).write_parquet(sys.argv[2], compression="snappy")
