"""pyarrow: pyarrow.csv.read_csv + pyarrow.parquet.write_table (snappy, its default).
With --stream: open_csv batch by batch into a ParquetWriter (bounded memory)."""
import sys

import pyarrow.csv as pc
import pyarrow.parquet as pq

source, target = sys.argv[1], sys.argv[2]
if "--stream" in sys.argv:
    reader = pc.open_csv(source)
    with pq.ParquetWriter(target, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
else:
    pq.write_table(pc.read_csv(source), target)
