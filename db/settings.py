"""Effective configuration: DISCLOSURE_* environment variables over an optional TOML file over defaults."""

from __future__ import annotations

import os
import re
import tomllib
from email.utils import parseaddr
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

CONFIG_FILE_ENV = "DISCLOSURE_CONFIG"
DEFAULT_CONFIG_FILE = Path("disclosure.toml")
SUPPORTED_DATABASES = "sqlite:///<path> or postgresql+psycopg://user@host/db"
MASK = "********"
OPTIONAL = ("database_url", "blob_dir", "warc_dir", "smtp_user", "smtp_password")  # "" means unset


def _config_file() -> Path | None:
    named = os.environ.get(CONFIG_FILE_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise FileNotFoundError(f"{CONFIG_FILE_ENV} names {path}, which is not a file")
        return path
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class _StrictToml(TomlConfigSettingsSource):
    """The TOML file, refusing keys that are not settings: a typo would otherwise be silently ignored."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        try:
            super().__init__(settings_cls, toml_file=path)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path} is not valid TOML: {exc}") from None
        unknown = sorted(set(self.toml_data) - set(settings_cls.model_fields))
        if unknown:
            raise ValueError(
                f"unknown key {', '.join(map(repr, unknown))} in {path}; "
                f"known keys: {', '.join(settings_cls.model_fields)}"
            )


class Settings(BaseSettings):
    """Everything an operator can configure. Paths are resolved against the working directory."""

    # Unknown DISCLOSURE_* variables are ignored (the environment is shared with other tools and the
    # tests); an empty variable counts as unset rather than as an empty value.
    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_", extra="ignore", env_ignore_empty=True)

    data_dir: Path = Field(Path("var"), description="Folder of the embedded default: database, blobs, WARC files")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite file in the data folder")
    blob_dir: Path | None = Field(None, description="Content-addressed document store; default <data_dir>/blobs")
    warc_dir: Path | None = Field(None, description="WARC evidence archive; default <data_dir>/warc")
    # Deadlines are always Beijing time (the regulation's); this zone is for people and schedules.
    timezone: str = Field("Asia/Shanghai", description="Time zone of displayed times and of schedules")

    smtp_host: str = Field("localhost", description="SMTP server for digests")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port")
    smtp_user: str | None = Field(None, description="SMTP login, if the server wants one")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS")
    smtp_sender: str = Field("disclosure-monitor@localhost", description="From: address of digests")

    # Fields given as arguments (get_settings(**overrides)), which win over every source.
    _overrides: frozenset[str] = PrivateAttr(frozenset())

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._overrides = frozenset(name for name in values if name in type(self).model_fields)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml = _config_file()
        if toml is not None:
            sources.append(_StrictToml(settings_cls, toml))
        return tuple(sources)

    @field_validator(*OPTIONAL, mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError(f"{mask_url(value)!r} is not a database URL; use {SUPPORTED_DATABASES}") from None
        if driver == "postgresql":  # SQLAlchemy's default driver, psycopg2, is not installed: use psycopg 3
            return value.replace("postgresql", "postgresql+psycopg", 1)
        if driver not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
            raise ValueError(f"unsupported database {driver!r}; use {SUPPORTED_DATABASES}")
        return value

    @field_validator("smtp_sender")
    @classmethod
    def _an_address(cls, value: str) -> str:
        local, at, domain = parseaddr(value)[1].partition("@")
        if not (local and at and domain) or "@" in domain:
            raise ValueError(f"{value!r} is not an e-mail address (name@example.org or Name <name@example.org>)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):  # the former is a KeyError, which pydantic would not catch
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'disclosure.db').resolve()}"

    @property
    def effective_blob_dir(self) -> Path:
        return (self.blob_dir or self.data_dir / "blobs").resolve()

    @property
    def effective_warc_dir(self) -> Path:
        return (self.warc_dir or self.data_dir / "warc").resolve()

    def describe(self) -> dict[str, tuple[str | int | bool | None, str]]:
        """{DISCLOSURE_NAME: (effective value with secrets masked, where it came from)} for `disclosure config`."""
        # The sources again, so the origin is what was actually used (empty variables, letter case).
        from_env = EnvSettingsSource(type(self))()
        toml = _config_file()
        from_file = _StrictToml(type(self), toml)() if toml is not None else {}
        rows: dict[str, tuple[str | int | bool | None, str]] = {}
        for name in type(self).model_fields:
            if name in self._overrides:
                origin = "set by the program"
            elif name in from_env:
                origin = "environment"
            elif name in from_file and not (name in OPTIONAL and from_file[name] == ""):
                origin = "config file"
            else:
                origin = "default"
            value: Any = getattr(self, name)
            if name == "database_url":
                value = mask_url(self.effective_database_url)
                if origin == "default":
                    origin = "default (SQLite in data_dir)"
            elif name == "blob_dir":
                value = self.effective_blob_dir
            elif name == "warc_dir":
                value = self.effective_warc_dir
            elif isinstance(value, SecretStr):
                value = MASK
            rows[f"DISCLOSURE_{name.upper()}"] = (str(value) if isinstance(value, Path) else value, origin)
        return rows


_CREDENTIALS = re.compile(r"^([\w+]+://[^:/]*:)[^@]*@")  # as SQLAlchemy reads it: user ':' password '@'


def mask_url(url: str) -> str:
    """Hide the passwords of a database URL: `user:password@` and `password=` in the query (libpq reads it)."""
    head, sep, query = _CREDENTIALS.sub(rf"\g<1>{MASK}@", url, count=1).partition("?")
    pairs = [_mask_pair(pair) for pair in query.split("&")] if sep else []
    return head + sep + "&".join(pairs)


def _mask_pair(pair: str) -> str:
    key = pair.partition("=")[0]
    return f"{key}={MASK}" if "password" in unquote(key).lower() else pair


def get_settings(**overrides: Any) -> Settings:
    """Settings read afresh (never cached globally, so tests and tools can point at their own folders)."""
    return Settings(**overrides)
