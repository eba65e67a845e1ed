"""Writes a deterministic XML file of nested order records for the XML benchmark.

Usage: python benchmarks/generate_xml.py RECORDS OUTPUT
Each <order> has attributes, a nested customer/address, 1-4 repeated <item> children,
a date, decimals, a boolean, CDATA notes and some non-ASCII text (~700 bytes per record).
"""
import random
import sys

CITIES = ["Paris", "Zürich", "München", "São Paulo", "Kraków", "Tokyo 東京", "Oslo", "Austin"]
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]


def main():
    records, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<orders xmlns:x="http://example.com/ext">\n')
        for i in range(records):
            items = []
            for k in range(rng.randint(1, 4)):
                items.append(
                    f'      <item sku="SKU-{rng.randint(1000, 99999)}" qty="{rng.randint(1, 9)}">'
                    f"<name>{rng.choice(WORDS)} {rng.choice(WORDS)}</name><price>{rng.randint(100, 99999) / 100:.2f}</price></item>\n")
            notes = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            out.write(
                f'  <order id="{i + 1}" status="{rng.choice(["new", "paid", "shipped", "returned"])}">\n'
                f"    <customer>\n"
                f"      <name>Customer {rng.randint(1, 500000)}</name>\n"
                f"      <email>user{rng.randint(1, 10**6)}@example.com</email>\n"
                f"      <address><street>{rng.randint(1, 999)} {rng.choice(WORDS).title()} Street</street>"
                f"<city>{rng.choice(CITIES)}</city><zip>{rng.randint(10000, 99999)}</zip></address>\n"
                f"    </customer>\n"
                f"    <date>2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</date>\n"
                f"    <created>2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}</created>\n"
                f"    <priority>{'true' if rng.random() < 0.3 else 'false'}</priority>\n"
                f"    <items>\n{''.join(items)}    </items>\n"
                f"    <total>{rng.randint(100, 999999) / 100:.2f}</total>\n"
                f"    <x:channel>{rng.choice(['web', 'store', 'phone'])}</x:channel>\n"
                f"    <notes><![CDATA[{notes} <ok> & done]]></notes>\n"
                f"  </order>\n")
        out.write("</orders>\n")


if __name__ == "__main__":
    main()
