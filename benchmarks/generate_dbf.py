"""Writes a dBase III table of N records: generate_dbf.py N PATH.

Fields: ID N(10,0), NAME C(30), AMOUNT N(12,2), ACTIVE L, DAY D — a plain, fixed-width
file written with struct (fast); the tests use the `dbf` package for fidelity instead.
"""
import datetime
import struct
import sys

FIELDS = [(b"ID", b"N", 10, 0), (b"NAME", b"C", 30, 0), (b"AMOUNT", b"N", 12, 2), (b"ACTIVE", b"L", 1, 0), (b"DAY", b"D", 8, 0)]


def main(count, path):
    record_length = 1 + sum(f[2] for f in FIELDS)
    header_length = 32 + 32 * len(FIELDS) + 1
    today = datetime.date(2026, 11, 27)
    with open(path, "wb") as out:
        out.write(struct.pack("<BBBBIHH20x", 0x03, today.year - 1900, today.month, today.day, count, header_length, record_length))
        for name, kind, length, decimals in FIELDS:
            out.write(struct.pack("<11sc4xBB14x", name.ljust(11, b"\0"), kind, length, decimals))
        out.write(b"\r")
        base = datetime.date(2020, 1, 1)
        chunk = []
        for i in range(count):
            day = base + datetime.timedelta(days=i % 1500)
            record = b" " + f"{i:>10d}".encode() + f"customer {i % 977} {'x' * (i % 7)}".ljust(30).encode() \
                + f"{(i % 100000) / 100:>12.2f}".encode() + (b"T" if i % 3 else b"F") + day.strftime("%Y%m%d").encode()
            chunk.append(record)
            if len(chunk) == 10000:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))
        out.write(b"\x1a")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
