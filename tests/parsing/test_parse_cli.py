"""`disclosure parse` as a user runs it: JSON lines with the contract's keys, a readable view, a batch that
always completes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from disclosure.app import app
from tests.conftest import SEEDS

runner = CliRunner()
CANONICAL = {"file", "title", "body", "year", "template", "publish_date", "sections", "tables", "problems"}


def test_json_lines_for_the_seeds() -> None:
    result = runner.invoke(app, ["parse", *map(str, sorted(SEEDS.glob("*.txt"))), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 5
    by_body = {obj["body"]: obj for obj in lines}
    assert set(by_body["安太乡人民政府"]) >= CANONICAL
    antai = by_body["安太乡人民政府"]
    assert antai["year"] == 2020 and antai["template"] == "2019"
    amount = antai["tables"]["active_disclosure"]["cells"]["procurement"]["amount"]
    assert {k: amount[k] for k in ("value", "state", "raw")} == {
        "value": 17.6753,
        "state": "number",
        "raw": "17.6753万元",
    }
    taiping = by_body["太平庄乡"]
    assert taiping["tables"]["reviews_litigation"] == {"present": False, "unreadable": False, "cells": {}, "labels": {}}
    assert taiping["sections"]["overview"] is None and taiping["sections"]["other"] == "无。"
    blank = taiping["tables"]["applications"]["cells"]["new_received"]["natural_person"]
    assert (blank["state"], blank["value"]) == ("blank", None)


def test_a_bad_file_in_the_batch_gives_its_state_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "empty.docx").write_bytes(b"")
    result = runner.invoke(
        app,
        [
            "parse",
            str(tmp_path / "broken.pdf"),
            str(tmp_path / "missing.html"),
            str(tmp_path / "empty.docx"),
            str(SEEDS / "yima-2020.txt"),
            "--json",
        ],
    )
    assert result.exit_code == 1  # the missing file: a typo must not look like success to a script
    states = [json.loads(line)["state"] for line in result.stdout.splitlines()]
    assert states == ["corrupt", "unreadable", "empty", "ok"]
    assert f"error: could not read 1: {tmp_path / 'missing.html'}" in result.stderr
    assert "Traceback" not in result.output


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path), "--json"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert "a folder with no file in it" in result.stderr


def test_readable_summary_shows_blank_cells_apart_from_zeros() -> None:
    result = runner.invoke(app, ["parse", str(SEEDS / "langao-2020.txt")], env={"COLUMNS": "220"})
    assert result.exit_code == 0
    out = result.output
    assert "岚皋县" in out and "2020" in out and "template 2019" in out
    assert "四、政府信息公开行政复议、行政诉讼情况" in out
    assert "·" in out  # blank cells are drawn as · , never as 0
    assert "✓ 总体情况" in out
