"""Typst in a process of its own: how :func:`~labels_report.publish.render.render_pdf` compiles a PDF.

The Typst compiler (the ``typst`` wheel) keeps in the memory of the process that
runs it what it laid out, for later compilations to reuse, and lets go of an entry
only after some ten compilations that did not use it. A single build does not feel
it; a batch's worker, one process building hundreds of reports, grew by some 35 MiB
per town, past a gigabyte. Each PDF is compiled by a short-lived process running
this file (Python and Typst only, not the package: it starts in a fraction of a
second), which gives its memory back when it ends.

The request comes as JSON on stdin (the arguments of ``typst.compile``); the PDF
goes to stdout and the exit code is 0; a Typst error is a JSON object
(``message``, ``diagnostic``, ``hints``) on stderr with exit code 1.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import typst

    request = json.load(sys.stdin)
    try:
        pdf = typst.compile(request.pop("input"), output=None, format="pdf", **request)
    except typst.TypstError as error:
        json.dump({"message": str(getattr(error, "message", "") or error),
                   "diagnostic": str(getattr(error, "diagnostic", "") or ""),
                   "hints": [str(hint) for hint in getattr(error, "hints", None) or []]}, sys.stderr)
        return 1
    except (RuntimeError, ValueError, OSError) as error:
        json.dump({"message": str(error), "diagnostic": "", "hints": []}, sys.stderr)
        return 1
    if not isinstance(pdf, bytes):
        json.dump({"message": "the compiler returned no PDF", "diagnostic": "", "hints": []}, sys.stderr)
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
