"""Where the database is: flag > environment > config file > default file.

The config file is ``rca.toml`` in the working directory, else in the user's
config folder::

    [database]
    url = "postgresql+psycopg://rca@db.example.com/rca"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

ENV_DATABASE_URL = "RCA_DATABASE_URL"
CONFIG_FILE_NAME = "rca.toml"


@dataclass(frozen=True)
class DatabaseSetting:
    url: str
    origin: str  # "--db", "RCA_DATABASE_URL", the config file's path, or "default"


def default_database_path() -> Path:
    import platformdirs  # here, not at the top: with --db, rca needs no user folders

    return Path(platformdirs.user_data_dir("rca", appauthor=False)) / "rca.sqlite"


def config_file_candidates(cwd: Path | None = None) -> list[Path]:
    import platformdirs

    cwd = cwd or Path.cwd()
    return [cwd / CONFIG_FILE_NAME, Path(platformdirs.user_config_dir("rca", appauthor=False)) / CONFIG_FILE_NAME]


def read_config_file(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix it or remove it") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def resolve_database_url(flag: str | None = None, environ: dict[str, str] | None = None,
                         cwd: Path | None = None) -> DatabaseSetting:
    environ = os.environ if environ is None else environ
    if flag:
        return DatabaseSetting(normalize_url(flag), "--db")
    if environ.get(ENV_DATABASE_URL):
        return DatabaseSetting(normalize_url(environ[ENV_DATABASE_URL]), ENV_DATABASE_URL)
    for path in config_file_candidates(cwd):
        if path.is_file():
            url = read_config_file(path).get("database", {}).get("url")
            if url:
                return DatabaseSetting(normalize_url(url), str(path))
    return DatabaseSetting(f"sqlite:///{default_database_path()}", "default")


def normalize_url(url: str) -> str:
    """Accept the URLs people paste: a bare file path, or postgres:// without a driver."""
    url = url.strip()
    if url == ":memory:":
        return "sqlite:///:memory:"  # refused by rca.db.Database, not made a file named ':memory:'
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url
