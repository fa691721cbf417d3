"""labels-report: a French town's annual labels report, council PDF and public HTML.

``labels_report.build_report(...)`` builds and publishes reports, ``labels_report.check(...)``
lists the data's errors and warnings, ``labels_report.show_chapter(...)`` is what
the chapter notebooks call.

The package is laid out as its pipeline, each stage importing only the ones
before it: ``core`` (errors, words, dates, files, the project), ``data`` (the
contract, reading and checking a town's folder), ``model`` (the report of one
edition on one date, computed once), ``chapters`` (the report written as
Markdown), ``publish`` (kernels, engines, exports, publication), and ``cli``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "build_report", "check", "load_dataset", "show_chapter"]

# Imported on first use: a chapter's kernel needs show_chapter only, not the
# build machinery (papermill, engines).
_LAZY = {
    "build_report": ("labels_report.publish.build", "build"),
    "check": ("labels_report.model.quality", "check"),
    "load_dataset": ("labels_report.data.load", "load_dataset"),
    "show_chapter": ("labels_report.chapters.notebook", "show_chapter"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'labels_report' has no attribute {name!r}")
