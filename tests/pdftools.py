"""Reading a PDF's structure tree (tagged PDF) in tests."""

from __future__ import annotations

import pypdf


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
