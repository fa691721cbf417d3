"""labels-report: a French town's annual labels report, council PDF and public HTML."""

from labels_report.notebook import show_chapter

__version__ = "0.1.0"

__all__ = ["__version__", "show_chapter"]
