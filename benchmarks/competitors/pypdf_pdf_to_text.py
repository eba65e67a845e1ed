"""pypdf's text extraction, for benchmarks/pdf_to_text.py: INPUT OUTPUT."""
import sys

from pypdf import PdfReader

reader = PdfReader(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for page in reader.pages:
        out.write(page.extract_text() + "\n")
