"""Running aligners over a benchmark: run configs, the baselines, tuning and the explain page's data.

This layer sits between ``aligners/`` (what scores a pair of articles) and ``scoring/`` (what a run is
worth) below, and ``views/`` (rendering) and ``commands/`` above; it renders nothing.
"""
