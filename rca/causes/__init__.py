"""Root causes as records: their statuses, keys, history, what people change and what is read.

- ``lifecycle``: every status and the moves between them (pure data; the CLI's
  choices and the reports' styling derive from it, so importing it is light);
- ``keys``: RC-0001 keys and resolving a key (merged causes forward);
- ``events``: the audit log, written and worded in one place;
- ``recurrence``: a fixed cause that gets a complaint received after its fix;
- ``curation``: what people do to causes (writes);
- ``queries``: read-only views for listing, showing and reporting.

Nothing is imported here, so ``rca.causes.lifecycle`` loads without SQLAlchemy.
"""
