"""fastexcel (Rust calamine) reads the first sheet into Arrow; pyarrow writes Parquet (snappy)."""
import sys

import fastexcel
import pyarrow as pa
import pyarrow.parquet as pq

reader = fastexcel.read_excel(sys.argv[1])
batch = reader.load_sheet(0).to_arrow()
pq.write_table(pa.Table.from_batches([batch]), sys.argv[2], compression="snappy")
