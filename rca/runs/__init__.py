"""Clustering runs: complaints into stable, tracked root causes (``rca cluster``).

- ``texts``: the text of a complaint that backends vectorize (cleaned once, for runs and splits);
- ``plan``: what a run decides, from one read snapshot and the run's vectors (no writes);
- ``describe``: keywords, titles and representatives of groups of complaints;
- ``tracking``: the run itself: lock, snapshot, vectors (through the embedding cache
  the run builds), plan, save.

Nothing is imported here, so importing one module loads only what it needs.
"""
