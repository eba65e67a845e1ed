"""Writes a deterministic 8-column .xlsx benchmark workbook with xlsxwriter (constant memory).

Usage: python benchmarks/generate_xlsx.py ROWS OUTPUT.xlsx

Columns: id (int), name (shared string), price (double), quantity (int), ordered
(date), updated (datetime), active (boolean), note (text, some empty).
"""
import datetime as dt
import random
import sys

import xlsxwriter


def main():
    rows, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("orders")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["id", "name", "price", "quantity", "ordered", "updated", "active", "note"])
    names = [f"customer {i}" for i in range(5000)]
    notes = ["", "urgent", "gift wrap", "call first", "fragile"]
    base = dt.datetime(2020, 1, 1)
    for r in range(1, rows + 1):
        sheet.write_number(r, 0, r)
        sheet.write_string(r, 1, names[rng.randrange(len(names))])
        sheet.write_number(r, 2, round(rng.uniform(0, 1000), 2))
        sheet.write_number(r, 3, rng.randrange(1, 100))
        sheet.write_datetime(r, 4, (base + dt.timedelta(days=rng.randrange(2000))).date(), date_format)
        sheet.write_datetime(r, 5, base + dt.timedelta(seconds=rng.randrange(200_000_000)), time_format)
        sheet.write_boolean(r, 6, rng.random() < 0.5)
        note = notes[rng.randrange(len(notes))]
        if note:
            sheet.write_string(r, 7, note)
    workbook.close()


if __name__ == "__main__":
    main()
