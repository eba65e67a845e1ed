"""Writes the deterministic NDJSON benchmark file: ROWS records of 8 fields (ints,
floats, a date string, a timestamp string, a category, a boolean, a nullable int, free
text). Usage: python generate_ndjson.py ROWS OUT.ndjson"""
import json
import random
import sys
from datetime import date, datetime, timedelta

CATEGORIES = ["north", "south", "east", "west", "central", "online", "wholesale", "retail"]
WORDS = ["alpha", "beta", "gamma", "delta", "quick", "brown", "fox", "café", "naïve", "data"]

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
start_day, start_ts = date(2000, 1, 1), datetime(2020, 1, 1)
with open(out, "w", encoding="utf-8") as f:
    batch = []
    for i in range(rows):
        record = {
            "id": i,
            "amount": round(rng.uniform(-1000, 100000), 2),
            "order_date": (start_day + timedelta(days=rng.randrange(9000))).isoformat(),
            "created_at": (start_ts + timedelta(seconds=rng.randrange(150_000_000))).isoformat(),
            "region": CATEGORIES[rng.randrange(len(CATEGORIES))],
            "active": rng.random() < 0.5,
            "quantity": None if rng.random() < 0.1 else rng.randrange(1, 500),
            "comment": " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 8))) + f", item {i % 997}",
        }
        batch.append(json.dumps(record, ensure_ascii=False))
        if len(batch) >= 100_000:
            f.write("\n".join(batch) + "\n")
            batch = []
    if batch:
        f.write("\n".join(batch) + "\n")
