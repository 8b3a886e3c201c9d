"""Importers of peer benchmarks that the user has downloaded, one module per dataset (DESIGN §11).

An importer reads the release folder the user points it to and maps it onto alignbench's records
(:mod:`alignbench.records`); it never copies source data into the project.

- :mod:`.wa` reads the pseudo-XML ``.wa`` alignment format and the ``[ chunk ]`` files of the
  SemEval interpretable-STS tasks (format only, no mapping);
- :mod:`.ists2016` maps the SemEval-2016 Task 2 release onto articles, claims and gold links;
- :mod:`.files` reads a release's files (regular files inside the release folder only) and checks
  its ``SHA256SUMS``.
"""
