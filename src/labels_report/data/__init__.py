"""Stage 1, the data: what staff fill in, read, checked and typed.

``contract`` declares the tables and their vocabularies, ``reading`` reads CSV
files and workbooks cell by cell, ``load`` and ``checks`` turn a town's folder
into a validated :class:`~labels_report.data.dataset.Dataset` or a list of
every problem, ``issues`` words those problems for people, ``workbook`` and
``newtown`` give staff something to fill in.
"""
