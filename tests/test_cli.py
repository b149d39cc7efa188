"""The `disclosure` command as a user meets it: help, config, db, registry, the demo, pending commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from db.models import Portal
from db.session import Database
from demo import SAMPLE_REGISTRY
from disclosure import demo_cmd
from disclosure.app import app
from disclosure.pending import PENDING
from disclosure.registry_cmd import run_import

runner = CliRunner()
CONTRACT = [
    "db",
    "registry",
    "crawl",
    "reports",
    "parse",
    "ingest",
    "check",
    "flags",
    "serve",
    "schedule",
    "worker",
    "digest",
    "demo",
]


def run(*args: str, columns: int = 200) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a user would have seen a traceback
    return result.exit_code, result.output


def table_rows(out: str) -> dict[str, tuple[str, str]]:
    """{name: (value, origin)} of the `config` table, a cell's folded or wrapped pieces joined again."""
    pieces: dict[str, tuple[list[str], list[str]]] = {}
    name = ""
    for line in out.splitlines():
        if line.startswith("│"):
            first, value, origin = (cell.strip() for cell in line.strip("│").split("│"))
            name = first or name  # continuation lines leave the name cell empty
            pieces.setdefault(name, ([], []))
            pieces[name][0].append(value)
            pieces[name][1].append(origin)
    return {name: ("".join(value), " ".join(filter(None, origin))) for name, (value, origin) in pieces.items()}


def test_help_lists_every_contract_command() -> None:
    exe = shutil.which("disclosure") or str(Path(sys.executable).parent / "disclosure")
    out = subprocess.run(
        [exe, "--help"], capture_output=True, text=True, env={"COLUMNS": "200", "PATH": ""}, check=True
    ).stdout
    for name in CONTRACT:
        assert f" {name} " in out, name


@pytest.mark.parametrize("name", sorted(PENDING))
def test_pending_commands_say_which_step_brings_them(name: str) -> None:
    code, out = run(name, "--json")
    assert code == 2
    assert f"roadmap step {PENDING[name][0]}" in out
    assert "not built yet" in out


def test_config_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", "postgresql+psycopg://monitor:s3cret@db.example:5432/disclosure")
    monkeypatch.setenv("DISCLOSURE_SMTP_PASSWORD", "mailpass")
    code, out = run("config")
    assert code == 0
    assert "s3cret" not in out and "mailpass" not in out
    assert "postgresql+psycopg://monitor:********@db.example:5432/disclosure" in out
    assert "Asia/Shanghai" in out


LONG_URL = "postgresql+psycopg://monitor:s3cret@database.internal.example.org:5432/disclosure?sslmode=require"


def test_config_folds_long_values_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", LONG_URL)
    monkeypatch.setenv("DISCLOSURE_SMTP_PASSWORD", "mailpass")
    code, out = run("config", columns=80)
    assert code == 0
    assert "…" not in out and max(map(len, out.splitlines())) <= 80
    rows = table_rows(out)
    assert rows["DISCLOSURE_DATABASE_URL"] == (LONG_URL.replace("s3cret", "********"), "environment")
    assert rows["DISCLOSURE_BLOB_DIR"] == (str(tmp_path / "var" / "blobs"), "default")
    assert rows["DISCLOSURE_SMTP_PASSWORD"] == ("********", "environment")
    assert rows["DISCLOSURE_SMTP_STARTTLS"] == ("False", "default")
    assert len(rows) == 11


def test_config_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.toml").write_text('smtp_port = 587\nsmtp_sender = "监测 <monitor@example.cn>"\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", "postgresql+psycopg://u@h/db?password=qsecret")
    monkeypatch.setenv("DISCLOSURE_SMTP_PASSWORD", "mailpass")
    monkeypatch.setenv("DISCLOSURE_SMTP_USER", "")
    code, out = run("config", "--json")
    assert code == 0
    var = tmp_path / "var"
    assert json.loads(out) == {
        "DISCLOSURE_DATA_DIR": {"value": str(var), "origin": "environment"},
        "DISCLOSURE_DATABASE_URL": {"value": "postgresql+psycopg://u@h/db?password=********", "origin": "environment"},
        "DISCLOSURE_BLOB_DIR": {"value": str(var / "blobs"), "origin": "default"},
        "DISCLOSURE_WARC_DIR": {"value": str(var / "warc"), "origin": "default"},
        "DISCLOSURE_TIMEZONE": {"value": "Asia/Shanghai", "origin": "default"},
        "DISCLOSURE_SMTP_HOST": {"value": "localhost", "origin": "default"},
        "DISCLOSURE_SMTP_PORT": {"value": 587, "origin": "config file"},
        "DISCLOSURE_SMTP_USER": {"value": None, "origin": "default"},
        "DISCLOSURE_SMTP_PASSWORD": {"value": "********", "origin": "environment"},
        "DISCLOSURE_SMTP_STARTTLS": {"value": False, "origin": "default"},
        "DISCLOSURE_SMTP_SENDER": {"value": "监测 <monitor@example.cn>", "origin": "config file"},
    }


def test_config_treats_empty_variables_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_PASSWORD", "DATABASE_URL", "DATA_DIR"):
        monkeypatch.setenv(f"DISCLOSURE_{name}", "")
    code, out = run("config")
    assert code == 0
    rows = table_rows(out)
    assert rows["DISCLOSURE_SMTP_PASSWORD"] == ("", "default")
    assert rows["DISCLOSURE_DATA_DIR"] == ("var", "default")
    assert rows["DISCLOSURE_DATABASE_URL"] == (
        f"sqlite:///{tmp_path / 'var' / 'disclosure.db'}",
        "default (SQLite in data_dir)",
    )


def test_config_reads_a_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.toml").write_text('timezone = "Asia/Urumqi"\nsmtp_host = "mail.example"\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(tmp_path / "site.toml"))
    code, out = run("config")
    assert code == 0
    assert "Asia/Urumqi" in out and "mail.example" in out and "config file" in out


def test_bad_configuration_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_TIMEZONE", "Mars/Olympus")
    code, out = run("registry", "show")
    assert code == 1
    assert "invalid configuration" in out and "Traceback" not in out


def test_unknown_key_in_the_config_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.toml").write_text('smtp_pasword = "x"\n')
    monkeypatch.setenv("DISCLOSURE_CONFIG", str(tmp_path / "site.toml"))
    code, out = run("config")
    assert code == 1
    assert f"error: invalid configuration: unknown key 'smtp_pasword' in {tmp_path / 'site.toml'}; known keys:" in out


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SMTP_PORT", "70000", "smtp_port (DISCLOSURE_SMTP_PORT): Input should be less than or equal to 65535"),
        (
            "SMTP_SENDER",
            "nobody",
            "smtp_sender (DISCLOSURE_SMTP_SENDER): 'nobody' is not an e-mail address "
            "(name@example.org or Name <name@example.org>)",
        ),
        (
            "DATABASE_URL",
            "notaurl",
            "database_url (DISCLOSURE_DATABASE_URL): 'notaurl' is not a database URL; "
            "use sqlite:///<path> or postgresql+psycopg://user@host/db",
        ),
        (
            "DATABASE_URL",
            "mysql://u:topsecret@h/db",
            "database_url (DISCLOSURE_DATABASE_URL): unsupported database 'mysql'; "
            "use sqlite:///<path> or postgresql+psycopg://user@host/db",
        ),
    ],
)
@pytest.mark.parametrize("command", [("registry", "show"), ("db", "upgrade"), ("config",)])
def test_invalid_settings_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv(f"DISCLOSURE_{name}", value)
    code, out = run(*command)
    assert (code, out) == (1, f"error: invalid configuration: {message}\n")


def test_connection_errors_mask_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", "postgresql+psycopg://u:s3cret@127.0.0.1:9/db?password=qsecret")
    masked = "postgresql+psycopg://u:********@127.0.0.1:9/db?password=********"
    code, out = run("registry", "show")
    assert code == 1 and out.count("\n") == 1  # the driver's multi-line message joined
    assert out.startswith(f"error: cannot open the database {masked}: connection failed: ")
    code, out = run("db", "current")
    assert code == 1 and out.startswith(f"error: cannot read {masked}: ")
    assert "s3cret" not in out and "qsecret" not in out


def test_an_unusable_data_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plain-file").write_text("")
    data = tmp_path / "plain-file" / "var"
    monkeypatch.setenv("DISCLOSURE_DATA_DIR", str(data))
    code, out = run("registry", "show")
    assert (code, out) == (1, f"error: no database at {data / 'disclosure.db'}: run `disclosure db upgrade` first\n")
    code, out = run("db", "upgrade")
    assert code == 1
    assert out.startswith(f"error: migration of sqlite:///{data / 'disclosure.db'} failed: [Errno 20] Not a directory")


@pytest.mark.parametrize("command", [("registry", "show"), ("flags",), ("registry", "import", str(SAMPLE_REGISTRY))])
def test_read_commands_do_not_create_the_database(tmp_path: Path, command: tuple[str, ...]) -> None:
    db_file = tmp_path / "var" / "disclosure.db"
    code, out = run(*command)
    assert (code, out) == (1, f"error: no database at {db_file}: run `disclosure db upgrade` first\n")
    assert not db_file.exists()
    assert run("db", "upgrade")[0] == 0 and db_file.exists()
    assert run(*command)[0] == 0


def test_commands_refuse_an_unmigrated_database(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "disclosure.db").write_bytes(b"")
    code, out = run("registry", "import", str(SAMPLE_REGISTRY))
    assert code == 1
    assert f"the database sqlite:///{tmp_path / 'var' / 'disclosure.db'} is empty: run `disclosure db upgrade`" in out


def test_db_upgrade_then_registry_import_and_show(tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("db", "current")
    assert code == 0 and "up to date" in out
    code, out = run("registry", "import", str(SAMPLE_REGISTRY))
    assert code == 0, out
    assert "antai" in out
    code, out = run("registry", "import", str(SAMPLE_REGISTRY))
    assert code == 0 and "No changes" in out
    code, out = run("registry", "show", "--json")
    assert code == 0
    rows = {row["body"]: row for row in json.loads(out)}
    assert set(rows) == {"antai", "nankou", "taipingzhuang", "yima", "langao-county"}
    langao = rows["langao-county"]
    assert langao["kind"] == "government" and langao["portal"] == "langao"
    assert langao["expected"][0] == {
        "year": 2019,
        "due": "2020-03-31",
        "origin": "default",
        "source": langao["expected"][0]["source"],
        "due_passed": True,
    }
    assert [e["year"] for e in rows["taipingzhuang"]["expected"]] == [2019, 2020]
    assert all(e["due"].endswith("-01-31") for e in rows["antai"]["expected"])


def test_invalid_registry_file_exits_1_and_names_the_line(tmp_path: Path) -> None:
    run("db", "upgrade")
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE_REGISTRY.read_text(encoding="utf-8").replace("portal: langao\n", "portal: nowhere\n"))
    code, out = run("registry", "import", str(bad))
    assert code == 1
    assert "nothing was written" in out and "unknown portal 'nowhere'" in out and "line " in out


def test_demo_starts_fresh_each_run_unless_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder handling of the demo; the whole run is tested in tests/monitor/test_sample_portal_flags.py."""
    monkeypatch.setattr(demo_cmd, "_run", lambda demo: run_import(demo.database, SAMPLE_REGISTRY))
    code, out = run("demo")
    assert code == 0, out
    assert "Bodies by compliance standing" in out and "not looked at" in out
    db_file = tmp_path / "var" / "demo" / "disclosure.db"

    def add_portal() -> None:
        database = Database(f"sqlite:///{db_file}")
        with database.session() as s:
            s.add(Portal(id="by-hand", name="added by hand", base_url="http://127.0.0.1:9/"))
        database.dispose()

    def portals() -> set[str]:
        database = Database(f"sqlite:///{db_file}")
        with database.session() as s:
            found = set(s.scalars(select(Portal.id)))
        database.dispose()
        return found

    add_portal()
    code, out = run("demo", "--keep")
    assert code == 0, out
    assert "by-hand" in portals()
    code, out = run("demo")
    assert code == 0, out
    assert "by-hand" not in portals() and len(portals()) == 5


def test_demo_refuses_to_wipe_a_folder_it_did_not_make(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "demo"
    folder.mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"precious")
    code, out = run("demo")
    assert code == 1 and "thesis.docx" in out
    assert (folder / "thesis.docx").read_bytes() == b"precious"
