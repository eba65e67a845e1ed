"""pyarrow: pyarrow.json.read_json (newline-delimited) + pyarrow.parquet.write_table (snappy)."""
import sys

import pyarrow.json as pj
import pyarrow.parquet as pq

pq.write_table(pj.read_json(sys.argv[1]), sys.argv[2])
