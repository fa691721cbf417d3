"""Stage 3, the chapters: the computed report written as Pandoc Markdown, one module per chapter.

``registry`` maps the name a notebook calls to its chapter, ``notebook`` is the
one function notebooks call, ``columns`` says how tables are shown, ``charts``
draws the figures, ``markdown`` and ``escape`` build Markdown in which every
data string is escaped, ``narrative`` cleans the services' own Markdown.
"""
