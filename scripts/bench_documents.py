"""Benchmark of the statement documents (make bench-documents).

Renders 200 statements of about three pages with our pipeline and with bare docxtpl (same
template, same context, interleaved), then converts 50 to PDF/A-2b through a running unoserver
(started with scripts/start_unoserver.sh if nothing answers). Prints median and p95 per step
and the render overhead ratio. Targets: ≤ 1.3× bare docxtpl; PDF/A median ≤ 400 ms.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from review.documents import pdf, rendering  # noqa: E402
from review.documents.context import sample_context  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "200"))
CONVERSIONS = int(os.environ.get("BENCH_CONVERSIONS", "50"))


def three_page_context(n: int) -> dict[str, Any]:
    context = sample_context()
    text = (
        "Die Verwaltung schlägt vor, die „Sprach-Kitas“ fortzuführen; Kosten & Nutzen "
        "sind in Anlage 2 dargestellt (Ansatz < 2 Mio. €). Familien mit "
        "Zuwanderungsgeschichte profitieren überdurchschnittlich von frühen Angeboten."
    )
    context["paper"]["reference"] = f"V{2000 + n}/24"
    context["statement"]["facts"] = [f"{text} ({i + 1})" for i in range(7)]
    context["statement"]["assessment"] = [f"{text} [{i + 1}]" for i in range(8)]
    context["statement"]["changes"] = [
        {
            "position": i + 1,
            "location": f"Beschlussvorschlag, Nr. {i + 1}",
            "proposal": "Elternbriefe auch in Leichter Sprache, Arabisch, Türkisch, Ukrainisch.",
            "reason": "Erreicht Eltern mit geringen Deutschkenntnissen.",
        }
        for i in range(6)
    ]
    return context


def bare_render(template: bytes, context: dict[str, Any]) -> bytes:
    env = Environment(autoescape=True)
    env.filters.update(
        datum=rendering.german_date,
        datum_lang=rendering.german_long_date,
        name=rendering.person_name,
    )
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, jinja_env=env, autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def pages(pdf_bytes: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf_bytes)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")


def main() -> None:
    template = rendering.bundled_template("committee")
    contexts = [three_page_context(n) for n in range(RENDERS)]
    # Warm up imports and caches of both paths.
    rendering.render(template, contexts[0])
    bare_render(template, contexts[0])

    ours: list[float] = []
    bare: list[float] = []
    documents: list[bytes] = []
    for context in contexts:
        start = time.perf_counter()
        documents.append(rendering.render(template, context))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_render(template, context)
        bare.append(time.perf_counter() - start)

    ours_median, ours_p95 = stats(ours)
    bare_median, bare_p95 = stats(bare)
    print(f"Render {RENDERS} statements (committee template, ~3 pages):")
    print(
        f"  ours (sandbox, checks, clean-up)  median {ours_median:6.1f} ms   p95 {ours_p95:6.1f} ms"
    )
    print(
        f"  bare docxtpl                      median {bare_median:6.1f} ms   p95 {bare_p95:6.1f} ms"
    )
    ratio = ours_median / bare_median
    print(f"  overhead ratio (median)           {ratio:.2f}×   target ≤ 1.30×")

    script = ROOT / "scripts" / "start_unoserver.sh"
    env = {**os.environ, "UNOSERVER_PORT": str(settings.UNOSERVER_PORT)}
    started_here = False
    if not pdf.is_available():
        started = time.perf_counter()
        result = subprocess.run([str(script)], env=env, capture_output=True, text=True)
        if result.returncode != 0 or not pdf.is_available():
            print(f"PDF/A: no unoserver on port {settings.UNOSERVER_PORT}: {result.stderr.strip()}")
            return
        started_here = True
        print(f"unoserver started in {time.perf_counter() - started:.1f} s")
    try:
        convert_all(documents)
    finally:
        if started_here:
            subprocess.run([str(script), "--stop"], env=env, capture_output=True)


def convert_all(documents: list[bytes]) -> None:
    pdf.convert_to_pdf(documents[0])  # warm-up: LibreOffice loads its Writer filters once
    timings: list[float] = []
    last = b""
    for document in documents[:CONVERSIONS]:
        start = time.perf_counter()
        last = pdf.convert_to_pdf(document)
        timings.append(time.perf_counter() - start)
    median, p95 = stats(timings)
    print(
        f"PDF/A-2b conversion of {CONVERSIONS} through unoserver (port {settings.UNOSERVER_PORT}):"
    )
    print(f"  median {median:6.1f} ms   p95 {p95:6.1f} ms   target median ≤ 400 ms")
    print(f"  pages per document: {pages(last)}")


if __name__ == "__main__":
    main()
