"""Side-by-side benchmark: PDF → text with pyforge, poppler's pdftotext and pypdf.

Usage: python benchmarks/pdf_to_text.py [--pages 200] [--runs 3]

All three extract the text of the same generated document (benchmarks/generate_pdf.py,
fpdf2: standard and embedded TrueType fonts, cached under benchmarks/data/); rounds
interleave the tools. Reports median wall time, pages per second and peak RSS.
"""
import shutil
import tempfile

from side_by_side import arguments, compare, competitor, ensure_data


def main():
    args = arguments("--pages", 200, runs=3, kind=int)
    source = ensure_data(f"document_{args.pages}.pdf", "generate_pdf.py", args.pages)
    tools = {
        "pyforge": lambda out: [args.pyforge, "convert", source, out, "-f", "text", "--force"],
        "pypdf": lambda out: competitor("pypdf_pdf_to_text.py", source, out),
    }
    if shutil.which("pdftotext"):
        tools["pdftotext (poppler)"] = lambda out: ["pdftotext", "-enc", "UTF-8", source, out]
    compare(f"{args.pages} pages", source, tools, args.runs, tempfile.mkdtemp(prefix="pyforge-pdf-bench-"))


if __name__ == "__main__":
    main()
