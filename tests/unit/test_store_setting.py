"""Where the store is: `--store`, env TIDEWIRE_STORE and `[server] store`, checked before anything
connects; the SQLite file in the data dir stays the default."""

from __future__ import annotations

from pathlib import Path

import pytest
from tidewire.config import load_settings, redact_dsn
from tidewire.errors import InvalidArgument

URL = "postgresql://tw:secret@db.example:5432/tidewire"


def test_the_default_is_the_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, env={})
    assert settings.store is None and settings.pg_dsn is None
    assert settings.store_label == f"sqlite {tmp_path / 'tidewire.db'}"


def test_flag_env_and_file_name_the_store_with_the_usual_precedence(tmp_path: Path) -> None:
    config = tmp_path / "tidewire.toml"
    config.write_text('[server]\nstore = "postgresql://file@h/db"\n')
    from_file = load_settings({"config_file": str(config)}, env={})
    assert from_file.pg_dsn == "postgresql://file@h/db"
    from_env = load_settings({"config_file": str(config)}, env={"TIDEWIRE_STORE": "postgresql://env@h/db"})
    assert from_env.pg_dsn == "postgresql://env@h/db"
    from_flag = load_settings(
        {"config_file": str(config), "store": URL}, env={"TIDEWIRE_STORE": "postgresql://env@h/db"}
    )
    assert from_flag.pg_dsn == URL


def test_the_store_is_named_without_its_password() -> None:
    settings = load_settings({"store": URL}, env={})
    assert settings.store_label == "postgresql postgresql://tw:***@db.example:5432/tidewire"
    assert redact_dsn("postgresql://h/db?sslmode=require&password=x") == (
        "postgresql://h/db?sslmode=require&password=***"
    )
    assert redact_dsn("postgres://tw@h/db") == "postgres://tw@h/db"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("sqlite:///tmp/x.db", "must be a postgresql:// URL"),
        ("host=h dbname=db", "must be a postgresql:// URL"),
        ("postgresql://h/db?no_such_option=1", "is not a valid PostgreSQL URL"),
    ],
)
def test_a_store_that_is_not_a_postgresql_url_is_refused_naming_it(value: str, says: str) -> None:
    with pytest.raises(InvalidArgument, match=says):
        load_settings({"store": value}, env={})


def test_a_refused_store_never_shows_its_password() -> None:
    with pytest.raises(InvalidArgument) as info:
        load_settings({"store": "postgresql://tw:hunter2@h/db?no_such_option=1"}, env={})
    assert "hunter2" not in info.value.message


def test_the_file_must_give_the_store_as_a_string(tmp_path: Path) -> None:
    config = tmp_path / "tidewire.toml"
    config.write_text("[server]\nstore = 5\n")
    with pytest.raises(InvalidArgument, match=r"server\.store must be a str"):
        load_settings({"config_file": str(config)}, env={})


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ({"synchronous": "normal"}, "synchronous applies to the SQLite store only"),
        ({"allow_reinit": True}, "allow_reinit applies to the SQLite store only"),
    ],
)
def test_sqlite_only_settings_are_refused_with_a_postgresql_store(
    setting: dict[str, object], says: str
) -> None:
    with pytest.raises(InvalidArgument, match=says):
        load_settings({"store": URL, **setting}, env={})
    load_settings({"store": URL, "synchronous": "full"}, env={})
    load_settings({**setting}, env={})
