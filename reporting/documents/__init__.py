"""The documents report drafts are made of: the data each kind gathers, and its Word, Excel and HTML forms.

``wordml`` writes Word files in one pass (no python-docx call per row or paragraph, which would
grow quadratically); ``mechanism``, ``packs`` and ``annual`` gather what each kind of draft says
and write it. Everything a document says is decided while a language is active
(``translation.override``), so headings and labels come in the language the person chose.
"""
