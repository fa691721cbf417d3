"""The foundation every stage stands on: errors, words, dates, text, files, the project.

Nothing here knows about labels, actions or reports; every other subpackage
may import from here, and nothing here imports from them.
"""
