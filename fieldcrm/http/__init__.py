"""What the JSON API and the HTML pages share: request dependencies, the error table, languages.

A small layer between the entry points (``api``, ``pages``, siblings that must not import each
other) and the use cases (``services``).
"""
