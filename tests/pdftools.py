"""Reading a PDF in tests: its text, its structure tree (tagged PDF)."""

from __future__ import annotations

from pathlib import Path

import pypdf


def pdf_text(path: Path) -> str:
    """The text of every page, one page after the other."""
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def structure_nodes(reader: pypdf.PdfReader) -> list[pypdf.generic.DictionaryObject]:
    """Every element of the structure tree, depth first."""
    found: list[pypdf.generic.DictionaryObject] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            found.append(node)
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found
