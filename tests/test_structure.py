"""The restructure's promises (issue #17): light vocabularies, the schema read without Alembic,
driver errors in rca's error tree, library messages that a caller spells, and the two bugs fixed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from rca.causes import curation, queries
from rca.causes.lifecycle import CAUSE_STATUSES, FIXED_STATUSES, STATUS_TONES, TRANSITIONS
from rca.db import head_revision, known_revisions, migrations_path
from rca.errors import DatabaseError, RcaError, UsageError, option
from rca.models import CauseEvent

from .factories import Factory

ROOT = Path(__file__).resolve().parent.parent


def _heavy_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return sorted(set(json.loads(out.stdout.strip().splitlines()[-1])) & {"sqlalchemy", "numpy", "sklearn"})


def test_the_vocabularies_and_the_public_api_load_nothing_heavy():
    assert _heavy_after("import rca, rca.causes.lifecycle, rca.causes.listing, rca.clustering.backends, "
                        "rca.defects, rca.scan.vocabulary, rca.export, reports.kinds") == []


def test_the_statuses_are_the_transitions_keys_and_every_move_ends_at_a_status():
    assert CAUSE_STATUSES == tuple(TRANSITIONS)
    assert all(target in TRANSITIONS for targets in TRANSITIONS.values() for target in targets)
    assert set(FIXED_STATUSES) | set(STATUS_TONES) <= set(CAUSE_STATUSES)


def test_the_revisions_read_without_alembic_are_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    scripts = ScriptDirectory.from_config(config)
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {script.revision for script in scripts.walk_revisions()}


def test_a_library_message_names_a_setting_its_caller_spells():
    error = UsageError(f"{option('min_size')} must be at least 2")
    assert str(error) == "--min-size must be at least 2"
    assert error.render(str) == "min_size must be at least 2"
    assert isinstance(error, RcaError)


def test_a_driver_failure_inside_a_session_is_a_database_error(database):
    from sqlalchemy import text

    with pytest.raises(DatabaseError, match="database error on"):
        with database.write_session() as session:  # a NOT NULL key: the driver refuses the row
            session.execute(text("INSERT INTO settings (name, value) VALUES (NULL, NULL)"))


def test_moving_complaints_already_in_the_cause_moves_none(database):
    with database.write_session() as session:
        make = Factory(session)
        target = make.cause("RC-0001")
        inside = make.complaint("2026-11-02", target).id
        outside = make.complaint("2026-11-03").id
    with database.write_session() as session:
        assert curation.move(session, [inside], "RC-0001", "ann")[1] == 0
        assert curation.move(session, [inside, outside], "RC-0001", "ann")[1] == 1
    with database.session() as session:
        moved_in = session.scalars(select(CauseEvent.new_value).where(CauseEvent.kind == "moved_in")).all()
        assert moved_in == [str(outside)]  # the history names only what moved
        assert [e.kind for e in queries.history(session, "RC-0001")] == ["moved_in"]
