"""Writes a text-dense PDF for benchmarks/pdf_to_text.py: PAGES pages of 60 lines each,
half in a standard font (WinAnsi) and half in an embedded DejaVu TrueType font (Identity-H
with a ToUnicode CMap), deterministic text. Usage: generate_pdf.py PAGES PATH"""
import random
import sys

from fpdf import FPDF

WORDS = ("lorem ipsum dolor sit amet café naïve Straße Ελληνικά Привет data pipeline parquet "
         "column row value extraction document page text font").split()


def main():
    pages, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    pdf = FPDF()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    for p in range(pages):
        pdf.add_page()
        for line in range(60):
            unicode_line = line % 2 == 1
            pdf.set_font("DejaVu" if unicode_line else "helvetica", size=8)
            words = [rng.choice(WORDS) for _ in range(14)]
            text = " ".join(words) if unicode_line else " ".join(w.encode("latin-1", "replace").decode("latin-1") for w in words)
            pdf.cell(text=f"{p + 1}.{line + 1} {text}")
            pdf.ln(4.4)
    pdf.output(path)


if __name__ == "__main__":
    main()
