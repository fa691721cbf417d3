"""Stage 4, publishing: from the computed report to files in place.

``kernel`` and ``execute`` run the chapter notebooks with papermill in warm
kernels, ``engines`` and ``render`` turn their Markdown into HTML and PDF,
``exports`` and ``calendar`` write the tables and the deadlines, ``manifest``
records what a report was made from (and knows when nothing changed),
``publication`` puts finished reports in place, and ``build`` runs it all.
"""
