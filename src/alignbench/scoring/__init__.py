"""Scoring: the candidate space, prediction files, metrics, evaluation and paired comparison."""
