"""scripts/split_template_lines.py cuts only where whitespace never renders, and
scripts/check_template_lines.py finds what stays too long."""

from __future__ import annotations

import sys
from pathlib import Path

from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import check_template_lines  # noqa: E402
import split_template_lines as splitter  # noqa: E402

TABLE = (
    '<table class="kern-table"><thead><tr><th scope="col">{% translate "Name" %}</th>'
    '<th scope="col">Frist</th></tr></thead><tbody>{% for row in rows %}<tr><td>{{ row.name }}'
    '</td><td>{% if row.late %}<span class="kern-badge">spät</span> {% endif %}{{ row.due }}</td>'
    "</tr>{% endfor %}</tbody></table>"
)


def _render(source: str) -> str:
    rows = [{"name": "V1/26", "late": True, "due": "01.02."}, {"name": "V2/26", "due": "—"}]
    return Template("{% load i18n %}" + source).render(Context({"rows": rows}))


def _squeezed(html: str) -> str:
    # What a browser shows the same: whitespace between tags collapses.
    return " ".join(html.replace(">\n", ">").replace("\n<", "<").split())


def test_a_table_on_one_line_is_cut_between_its_cells_and_renders_the_same() -> None:
    lines = splitter.split_line(TABLE, limit=80)
    assert len(lines) > 8 and all("<td>" not in line[4:] for line in lines)
    assert "".join(lines) == TABLE  # nothing but line breaks added
    assert _squeezed(_render("\n".join(lines))) == _squeezed(_render(TABLE))
    # The inline badge and its trailing space stay on their line.
    assert any('<span class="kern-badge">spät</span> {% endif %}' in line for line in lines)


def test_translations_attributes_and_preformatted_text_are_never_cut() -> None:
    text = "{% blocktranslate %}A <strong>long</strong> sentence{% endblocktranslate %}"
    lines = splitter.split_line(f"<p>{text}</p>" * 3, limit=20)
    assert lines == ["<p>", text, "</p>"] * 3
    link = '<p><a href="/x" title="<div>">{{ a }}</a></p>'
    assert '<a href="/x" title="<div>">{{ a }}</a>' in splitter.split_line(link * 9, limit=20)
    pre = "<pre>" + "<div>x</div>" * 30 + "</pre>"
    assert splitter.split_line(pre, limit=20) == [pre]
    short = "<ul><li>a</li></ul>"
    assert splitter.split_line(short) == [short]


def test_the_check_names_every_line_over_the_limit(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("x" * 200 + "\n" + "y" * 201 + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>ok</p>\n", encoding="utf-8")
    assert check_template_lines.long_lines(tmp_path) == [(tmp_path / "a.html", 2, 201)]
    assert check_template_lines.main([str(tmp_path)]) == 1
    assert check_template_lines.main([str(tmp_path / "sub")]) == 0


def test_the_project_has_no_template_line_over_the_limit() -> None:
    assert check_template_lines.long_lines(Path(__file__).resolve().parents[2] / "templates") == []
