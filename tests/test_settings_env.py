"""Settings come from the environment and stop start-up loudly on bad values."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from registry_site import settings as settings_module
from registry_site.env import env_bool, env_choice, env_int, env_list, env_str

GOOD_KEY = "k" * 40
SETTINGS_FILE = str(Path(settings_module.__file__))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)],
)
def test_it_reads_booleans_in_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


def test_it_uses_the_default_when_a_variable_is_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True
    assert env_int("FLAG", 7) == 7
    assert env_list("FLAG", ["a"]) == ["a"]
    assert env_str("FLAG", "x") == "x"


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_it_refuses_a_value_that_is_not_a_boolean(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    message = f"DEBUG={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("DEBUG", False)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ten", "is not a whole number"),
        ("1.5", "is not a whole number"),
        ("0", "must be at least 1"),
    ],
)
def test_it_refuses_a_bad_whole_number(monkeypatch, raw, message):
    monkeypatch.setenv("REGISTRY_PAGE_SIZE", raw)
    with pytest.raises(ImproperlyConfigured, match=f"^REGISTRY_PAGE_SIZE='{raw}' {message}"):
        env_int("REGISTRY_PAGE_SIZE", 50, minimum=1)


def test_it_splits_lists_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example , ,b.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


# The settings module itself, executed afresh with a given environment.


def load_settings(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path))
    for name in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "LOG_LEVEL", "REGISTRY_PAGE_SIZE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE, run_name="settings_under_test")


def test_settings_load_with_a_secret_key_and_default_sqlite(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY)
    assert loaded["DEBUG"] is False
    assert loaded["DATABASES"]["default"]["NAME"] == str(tmp_path / "registry.sqlite3")


def test_settings_require_a_secret_key_when_debug_is_off(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^SECRET_KEY is required when DEBUG is off"):
        load_settings(monkeypatch, tmp_path)


def test_settings_refuse_a_short_secret_key(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY="short")


def test_settings_generate_and_keep_a_local_key_in_debug(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path, DEBUG="1")["SECRET_KEY"]
    second = load_settings(monkeypatch, tmp_path, DEBUG="1")["SECRET_KEY"]
    assert first == second == (tmp_path / "secret_key").read_text().strip()
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_refuse_a_bad_debug_value(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^DEBUG='sometimes' is not a boolean"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, DEBUG="sometimes")


def test_settings_refuse_a_bad_page_size(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^REGISTRY_PAGE_SIZE='lots'"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, REGISTRY_PAGE_SIZE="lots")


@pytest.mark.parametrize("url", ["mysql://u@localhost/db", "nonsense://x", "not a url"])
def test_settings_refuse_an_unsupported_database_url(monkeypatch, tmp_path, url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, DATABASE_URL=url)


def test_settings_read_a_postgres_url(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u:p@db:5433/reg"
    )
    db = loaded["DATABASES"]["default"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "registry.backends.postgresql",
        "db",
        5433,
        "reg",
    )


def test_it_reads_a_choice_case_insensitively_and_refuses_others(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert env_choice("LOG_LEVEL", "INFO", ["INFO", "WARNING"]) == "WARNING"
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    message = "LOG_LEVEL='chatty' is not a log level; use one of INFO, WARNING."
    with pytest.raises(ImproperlyConfigured) as refused:
        env_choice("LOG_LEVEL", "INFO", ["INFO", "WARNING"])
    assert str(refused.value) == message


def test_settings_refuse_an_unknown_log_level(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^LOG_LEVEL='LOUD' is not a log level"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, LOG_LEVEL="LOUD")


def test_postgres_plans_hot_queries_once_per_connection_unless_turned_off(monkeypatch, tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/example"
    on = load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, DATABASE_URL=url)
    assert on["DATABASES"]["default"]["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 2,
        "connect_timeout": 5,
    }
    off = load_settings(
        monkeypatch,
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=url,
        REGISTRY_DB_PREPARED_STATEMENTS="false",
    )
    assert "server_side_binding" not in off["DATABASES"]["default"].get("OPTIONS", {})


def test_the_base_url_follows_the_chosen_port_unless_set(monkeypatch, tmp_path):
    for name in ("REGISTRY_BASE_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY)
    assert loaded["REGISTRY_BASE_URL"] == "http://127.0.0.1:8000"
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, PORT="9123")
    assert loaded["REGISTRY_BASE_URL"] == "http://127.0.0.1:9123"
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        PORT="9123",
        REGISTRY_BASE_URL="https://r.example",
    )
    assert loaded["REGISTRY_BASE_URL"] == "https://r.example"


def test_postgres_connections_are_health_checked_and_time_out(monkeypatch, tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/example"
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=url,
        REGISTRY_DB_CONNECT_TIMEOUT="3",
    )
    database = loaded["DATABASES"]["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 3
