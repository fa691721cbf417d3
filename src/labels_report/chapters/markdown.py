"""Building Pandoc Markdown from data, every data string escaped on the way in."""

from __future__ import annotations

from collections.abc import Sequence

from labels_report.chapters.escape import md_attr, md_text


class Md(str):
    """Markdown we wrote ourselves (already safe); plain ``str`` is data and gets escaped."""


def cell(value: object) -> str:
    if isinstance(value, Md):
        return str(value)
    return md_text(value)


def heading(level: int, text: str, ident: str | None = None, unnumbered: bool = False) -> Md:
    attrs = []
    if ident:
        attrs.append(f"#{ident}")
    if unnumbered:
        attrs.append(".unnumbered")
    suffix = " {" + " ".join(attrs) + "}" if attrs else ""
    return Md(f"{'#' * level} {cell(text)}{suffix}\n")


def paragraph(*parts: object) -> Md:
    return Md(" ".join(cell(p) for p in parts if p not in (None, "")) + "\n")


def bullet_list(items: Sequence[object]) -> Md:
    return Md("".join(f"- {cell(item)}\n" for item in items))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str,
          align: Sequence[str] | None = None, ident: str | None = None) -> Md:
    """A pipe table with a caption; ``align`` holds ``l``/``r`` per column."""
    align = list(align or ["l"] * len(headers))
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(v) or " " for v in row) + " |")
    label = f" {{#{ident}}}" if ident else ""
    return Md("\n".join(lines) + f"\n\nTable: {cell(caption)}{label}\n")


def figure(path: str, caption: str, alt: str, ident: str, data_link: tuple[str, str] | None = None) -> Md:
    """A figure with its alt text (used by the HTML ``alt`` and the PDF) and a link to its data."""
    text = f'![{cell(caption)}]({path}){{#{ident} fig-alt="{md_attr(alt)}"}}\n'
    if data_link:
        text += f"\n[{cell(data_link[0])}]({data_link[1]})\n"
    return Md(text)


def link(text: str, url: str) -> Md:
    """A link to a URL taken from the data: only http(s) and mailto are kept."""
    if not url or not url.lower().startswith(("http://", "https://", "mailto:")):
        return Md(cell(text))
    safe = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28").replace("<", "%3C").replace(">", "%3E")
    return Md(f"[{cell(text)}](<{safe}>)")


def join(blocks: Sequence[str]) -> Md:
    return Md("\n".join(b for b in blocks if b))
