"""Stage 2, the model: the data seen on a date, through one edition, with every figure computed once.

``status`` derives a label's state on any date from its events, ``params`` holds
what a report is about, ``report`` is the data as one edition may show them,
``deadlines`` what falls due, ``quality`` the warnings that depend on the year,
``tables`` every table of the report, and ``compute`` puts them together, once
per set of parameters.
"""
