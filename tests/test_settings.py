"""Settings on their own: masking, empty variables, the strict config file, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from db.settings import Settings, get_settings, mask_url


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql+psycopg://u:s3cret@h:5432/db", "postgresql+psycopg://u:********@h:5432/db"),
        ("postgresql+psycopg://u@h/db?password=qsecret", "postgresql+psycopg://u@h/db?password=********"),
        (
            "postgresql+psycopg://u:pw@h/db?sslmode=require&PASSWORD=q&sslpassword=k",
            "postgresql+psycopg://u:********@h/db?sslmode=require&PASSWORD=********&sslpassword=********",
        ),
        ("postgresql+psycopg://u:p?x@h/db", "postgresql+psycopg://u:********@h/db"),  # SQLAlchemy's reading
        ("sqlite:////tmp/var/disclosure.db", "sqlite:////tmp/var/disclosure.db"),
        ("notaurl", "notaurl"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_PASSWORD", "DATABASE_URL", "DATA_DIR", "SMTP_USER"):
        monkeypatch.setenv(f"DISCLOSURE_{name}", "")
    cfg = get_settings()
    assert (cfg.smtp_password, cfg.database_url, cfg.data_dir, cfg.smtp_user) == (None, None, Path("var"), None)
    rows = cfg.describe()
    assert rows["DISCLOSURE_SMTP_PASSWORD"] == (None, "default")
    assert rows["DISCLOSURE_DATA_DIR"] == ("var", "default")
    assert rows["DISCLOSURE_DATABASE_URL"][1] == "default (SQLite in data_dir)"


def test_empty_values_in_the_config_file_count_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.toml").write_text('database_url = ""\nsmtp_password = ""\nsmtp_host = "mail.example"\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(tmp_path / "site.toml"))
    rows = get_settings().describe()
    assert rows["DISCLOSURE_DATABASE_URL"][1] == "default (SQLite in data_dir)"
    assert rows["DISCLOSURE_SMTP_PASSWORD"] == (None, "default")
    assert rows["DISCLOSURE_SMTP_HOST"] == ("mail.example", "config file")


def test_origin_is_the_source_actually_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.toml").write_text('smtp_host = "file.example"\nsmtp_port = 2525\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.setenv("disclosure_smtp_port", "587")  # names are not case-sensitive
    monkeypatch.setenv("DISCLOSURE_SMTP_PASSWORD", "mailpass")
    rows = get_settings(timezone="Asia/Urumqi").describe()
    assert rows["DISCLOSURE_SMTP_HOST"] == ("file.example", "config file")
    assert rows["DISCLOSURE_SMTP_PORT"] == (587, "environment")
    assert rows["DISCLOSURE_SMTP_PASSWORD"] == ("********", "environment")
    assert rows["DISCLOSURE_TIMEZONE"] == ("Asia/Urumqi", "set by the program")
    assert rows["DISCLOSURE_SMTP_USER"] == (None, "default")


def test_unknown_key_in_the_config_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "site.toml"
    path.write_text('smtp_host = "mail.example"\nsmtp_pasword = "x"\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(path))
    with pytest.raises(ValueError, match=rf"^unknown key 'smtp_pasword' in {path}; known keys: data_dir, "):
        get_settings()


def test_unknown_environment_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_SMTP_PASWORD", "x")
    monkeypatch.setenv("DISCLOSURE_TEST_SOMETHING", "y")
    assert get_settings().smtp_password is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("smtp_port", 0, "Input should be greater than or equal to 1"),
        ("smtp_port", 65536, "Input should be less than or equal to 65535"),
        ("smtp_sender", "nobody", "Value error, 'nobody' is not an e-mail address"),
        ("smtp_sender", "a@b@c", "Value error, 'a@b@c' is not an e-mail address"),
        ("smtp_sender", "@example.org", "Value error, '@example.org' is not an e-mail address"),
        ("smtp_sender", "monitor@", "Value error, 'monitor@' is not an e-mail address"),
        ("database_url", "notaurl", "Value error, 'notaurl' is not a database URL; use sqlite:///<path> or"),
        ("database_url", "mysql://u:pw@h/db", "Value error, unsupported database 'mysql'; use sqlite:///<path> or"),
        ("timezone", "Mars/Olympus", "Value error, unknown time zone 'Mars/Olympus'"),
    ],
)
def test_invalid_values_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(**{field: value})
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert error["msg"].startswith(message)


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [
        ("smtp_port", 65535, 65535),
        ("smtp_sender", "监测 <monitor@example.cn>", "监测 <monitor@example.cn>"),
        ("database_url", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"),  # psycopg 3, the installed driver
        ("database_url", "sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_valid_values_are_kept(field: str, value: object, kept: object) -> None:
    assert getattr(Settings(**{field: value}), field) == kept
