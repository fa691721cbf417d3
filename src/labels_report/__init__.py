"""labels-report: a French town's annual labels report, council PDF and public HTML.

``labels_report.build_report(...)`` builds and publishes reports, ``labels_report.check(...)``
lists the data's errors and warnings, ``labels_report.show_chapter(...)`` is what
the chapter notebooks call.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "build_report", "check", "load_dataset", "show_chapter"]

# Imported on first use: a chapter's kernel needs show_chapter only, not the
# build machinery (papermill, engines).
_LAZY = {
    "build_report": ("labels_report.build", "build"),
    "check": ("labels_report.load", "check"),
    "load_dataset": ("labels_report.load", "load_dataset"),
    "show_chapter": ("labels_report.notebook", "show_chapter"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'labels_report' has no attribute {name!r}")
