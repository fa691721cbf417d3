"""A report computed once: the report and every one of its tables, for one set of parameters.

Chapters, exports and the calendar all read the same :class:`ComputedReport`,
so each report is computed once per edition and language. Inside a chapter
kernel, :func:`report_for` keeps the computed reports (and the data set they
come from) while the data folder is unchanged, and :func:`prime` lets the
publishing step hand over the report it has already computed.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from labels_report.data.dataset import Dataset
from labels_report.data.folder import fingerprint
from labels_report.data.load import load_dataset
from labels_report.model.params import ReportParams
from labels_report.model.report import Report
from labels_report.model.tables import TABLES


@dataclass(frozen=True)
class ComputedReport:
    report: Report
    tables: Mapping[str, pd.DataFrame]
    """Every table of the report (raw values), by the name of its CSV file, in report order."""
    fingerprint: str = ""
    """The digest of the data folder the report was computed from ("" when not known)."""
    built_on: dt.date | None = None
    """The day the report is built (the council edition's provenance line tells it)."""

    @property
    def params(self) -> ReportParams:
        return self.report.params

    def __reduce__(self):
        # MappingProxyType does not pickle: hand the tables over as a dict.
        return (_rebuild, (self.report, dict(self.tables), self.fingerprint, self.built_on))


def _rebuild(report: Report, tables: dict[str, pd.DataFrame], digest: str,
             built_on: dt.date | None = None) -> ComputedReport:
    return ComputedReport(report, MappingProxyType(tables), digest, built_on)


def compute(dataset: Dataset, params: ReportParams, digest: str = "", *,
            built_on: dt.date | None = None) -> ComputedReport:
    """The report of ``dataset`` for ``params``, with every table computed now; ``built_on``:
    the day of the build (today when not given)."""
    report = Report.from_dataset(dataset, params)
    tables = {name: table(report) for name, table in TABLES.items()}
    return ComputedReport(report, MappingProxyType(tables), digest, built_on or dt.date.today())


# -- one kernel's memory -------------------------------------------------------------

_KEEP = 4
"""Computed reports kept: the editions and languages of one town."""
_DATASETS: dict[tuple[str, str], Dataset] = {}
_REPORTS: dict[tuple[str, ReportParams], ComputedReport] = {}


def _key(data_dir: Path | str, params: ReportParams) -> tuple[str, ReportParams]:
    return str(Path(data_dir).resolve()), params


def report_for(data_dir: Path | str, params: ReportParams) -> ComputedReport:
    """The computed report of the data in ``data_dir`` for ``params``: computed on the first
    call, then reused while the folder's files are the same (raises ``DataError`` on bad data)."""
    key = _key(data_dir, params)
    digest = fingerprint(key[0])
    known = _REPORTS.get(key)
    if known is not None and known.fingerprint == digest:
        return known
    data_key = (key[0], digest)
    if data_key not in _DATASETS:
        _DATASETS.clear()  # one town at a time
        _DATASETS[data_key] = load_dataset(key[0])
    computed = compute(_DATASETS[data_key], params, digest)
    remember(computed)
    return computed


def remember(computed: ComputedReport) -> None:
    """Keep ``computed`` for :func:`report_for` (the oldest of more than a few is forgotten)."""
    key = _key(computed.report.data.data_dir, computed.params)
    _REPORTS.pop(key, None)
    _REPORTS[key] = computed
    while len(_REPORTS) > _KEEP:
        _REPORTS.pop(next(iter(_REPORTS)))


def forget() -> None:
    """Forget every report and data set kept: a batch's kernel does so before another town."""
    _REPORTS.clear()
    _DATASETS.clear()


def save(computed: ComputedReport, path: Path) -> Path:
    """Write ``computed`` for a chapter kernel to :func:`prime` from (readable by its owner only)."""
    with open(path, "wb") as handle:
        pickle.dump(computed, handle, protocol=pickle.HIGHEST_PROTOCOL)
    path.chmod(0o600)
    return path


def prime(path: Path | str) -> ComputedReport:
    """Take the report the publishing step computed (written by :func:`save` into the
    build's own folder): the chapters then use it instead of computing it again."""
    with open(path, "rb") as handle:
        computed = pickle.load(handle)  # noqa: S301 - written by this build, in its private folder
    if not isinstance(computed, ComputedReport):
        raise TypeError(f"{path} does not hold a computed report")
    remember(computed)
    return computed
