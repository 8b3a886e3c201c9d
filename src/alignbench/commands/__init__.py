"""The bodies of the ``alignbench`` commands, grouped by job; ``alignbench.cli`` parses and dispatches.

Only the standard library is imported at module level, so that building the parser stays fast.
"""
