"""Writes the deterministic benchmark CSV: ROWS rows of 8 columns (ints, floats, dates,
timestamps, a low-cardinality string, booleans, a nullable int and quoted free text
with commas). Usage: python generate_csv.py ROWS OUT.csv"""
import random
import sys
from datetime import date, datetime, timedelta

CATEGORIES = ["north", "south", "east", "west", "central", "online", "wholesale", "retail"]
WORDS = ["alpha", "beta", "gamma", "delta", "quick", "brown", "fox", "lazy", "dog", "data",
         "forge", "parquet", "café", "naïve", "über", "señor"]


def main():
    rows = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(42)
    start_day = date(2000, 1, 1)
    start_ts = datetime(2020, 1, 1)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("id,amount,order_date,created_at,region,active,quantity,comment\n")
        lines = []
        for i in range(rows):
            amount = f"{rng.uniform(-1000, 100000):.2f}"
            day = (start_day + timedelta(days=rng.randrange(9000))).isoformat()
            ts = (start_ts + timedelta(seconds=rng.randrange(150_000_000), microseconds=rng.randrange(1_000_000))).isoformat(sep=" ")
            region = CATEGORIES[rng.randrange(len(CATEGORIES))]
            active = "true" if rng.random() < 0.5 else "false"
            quantity = "" if rng.random() < 0.1 else str(rng.randrange(1, 500))
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 8)))
            comment = f'"{words}, item {i % 997}"'
            lines.append(f"{i},{amount},{day},{ts},{region},{active},{quantity},{comment}\n")
            if len(lines) >= 100_000:
                f.writelines(lines)
                lines = []
        f.writelines(lines)


if __name__ == "__main__":
    main()
