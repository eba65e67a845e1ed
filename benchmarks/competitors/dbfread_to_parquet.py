"""dbfread + pyarrow: read a DBF record by record, write Parquet (snappy)."""
import sys

import dbfread
import pyarrow as pa
import pyarrow.parquet as pq

table = dbfread.DBF(sys.argv[1], load=False)
columns = {name: [] for name in table.field_names}
for record in table:
    for name, value in record.items():
        columns[name].append(value)
pq.write_table(pa.table(columns), sys.argv[2], compression="snappy")
