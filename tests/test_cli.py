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


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


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


def test_commands_refuse_an_unmigrated_database() -> None:
    code, out = run("registry", "import", str(SAMPLE_REGISTRY))
    assert code == 1
    assert "disclosure db upgrade" in out


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
