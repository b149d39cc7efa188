"""Effective configuration: DISCLOSURE_* environment variables over an optional TOML file over defaults."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE_ENV = "DISCLOSURE_CONFIG"
DEFAULT_CONFIG_FILE = Path("disclosure.toml")


def _config_file() -> Path | None:
    named = os.environ.get(CONFIG_FILE_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise FileNotFoundError(f"{CONFIG_FILE_ENV} names {path}, which is not a file")
        return path
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class Settings(BaseSettings):
    """Everything an operator can configure. Paths are resolved against the working directory."""

    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Folder of the embedded default: database, blobs, WARC files")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite file in the data folder")
    blob_dir: Path | None = Field(None, description="Content-addressed document store; default <data_dir>/blobs")
    warc_dir: Path | None = Field(None, description="WARC evidence archive; default <data_dir>/warc")
    timezone: str = Field("Asia/Shanghai", description="Time zone of deadlines, schedules and displayed dates")

    smtp_host: str = Field("localhost", description="SMTP server for digests")
    smtp_port: int = Field(25, description="SMTP port")
    smtp_user: str | None = Field(None, description="SMTP login, if the server wants one")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS")
    smtp_sender: str = Field("disclosure-monitor@localhost", description="From: address of digests")

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
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises on an unknown zone name
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

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, effective value with secrets masked, where it came from) for `disclosure config`."""
        rows: list[tuple[str, str, str]] = []
        for name in type(self).model_fields:
            env = f"DISCLOSURE_{name.upper()}"
            value: Any = getattr(self, name)
            if env in os.environ:
                origin = "environment"
            elif name in self.model_fields_set:
                origin = "config file"
            else:
                origin = "default"
            if name == "database_url":
                value = mask_url(self.effective_database_url)
                if origin == "default":
                    origin = "default (SQLite in data_dir)"
            elif name == "blob_dir":
                value = self.effective_blob_dir
            elif name == "warc_dir":
                value = self.effective_warc_dir
            elif isinstance(value, SecretStr):
                value = "********"
            elif value is None:
                value = ""
            rows.append((env, str(value), origin))
        return rows


def mask_url(url: str) -> str:
    """Hide the password of a database URL."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":********@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def get_settings(**overrides: Any) -> Settings:
    """Settings read afresh (never cached globally, so tests and tools can point at their own folders)."""
    return Settings(**overrides)
