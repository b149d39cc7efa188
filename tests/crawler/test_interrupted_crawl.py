"""An interrupted crawl is cancelled, not `ok`: the command exits non-zero and says so, and MISSING_REPORT
never cites a run that was cut short as having looked for a report."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from crawler.spiders.portal import close_stale_runs, run_status
from db.models import CrawlRun, Flag, RunStatus
from demo.portal import build_site
from tests.crawler.test_crawl_sample_portal import CRAWL_SETTINGS, serve_and_register


def test_an_interrupted_run_is_cancelled_and_one_stopped_by_trouble_failed() -> None:
    stats = {"response_received_count": 10}
    assert run_status(stats, "finished") is RunStatus.OK
    assert run_status(stats, "shutdown") is RunStatus.CANCELLED
    assert run_status({**stats, "disclosure/blocked": 10}, "shutdown") is RunStatus.CANCELLED
    assert run_status(stats, "cancelled") is RunStatus.CANCELLED
    assert run_status(stats, "closespider_errorcount") is RunStatus.FAILED  # stopped by trouble, not by a person


def test_ctrl_c_cancels_the_run_exits_non_zero_and_is_no_evidence_of_a_missing_report(tmp_path: Path) -> None:
    harvest = serve_and_register(tmp_path, build_site(seed=1))
    try:
        registered = next(p for p in harvest.manifest["portals"] if p["report_columns_in_registry"])
        portal = registered["id"]
        harvest.server.slow_seconds = 30.0
        for column in registered["report_columns"]:
            harvest.server.set_fault(column, "timeout")  # the list never answers before the interrupt
        exe = str(Path(sys.executable).parent / "disclosure")
        args = [exe, "crawl", "-p", portal, *[part for s in CRAWL_SETTINGS for part in ("--set", s)]]
        crawl = subprocess.Popen(args, env=harvest.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _runs(harvest.database, RunStatus.RUNNING):
            time.sleep(0.2)
        assert _runs(harvest.database, RunStatus.RUNNING), "the crawl never started a run"
        time.sleep(1.0)
        crawl.send_signal(signal.SIGINT)
        try:  # in-flight requests end by their timeout (DOWNLOAD_TIMEOUT=4) before the spider closes
            out, err = crawl.communicate(timeout=25)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.communicate()

        assert crawl.returncode == 130, out[-2000:] + err[-2000:]
        assert "interrupted" in err
        with harvest.database.session() as s:
            runs = list(s.scalars(select(CrawlRun)))
            assert [(r.portal_id, str(r.status)) for r in runs] == [(portal, "cancelled")]
            assert runs[0].stats["finish_reason"] == "shutdown"
            run_id = runs[0].id
        assert f"run {run_id} ({portal})" in err

        check = subprocess.run([exe, "check"], env=harvest.env, capture_output=True, text=True, timeout=120)
        assert check.returncode in (0, 1), check.stdout[-2000:] + check.stderr[-2000:]
        with harvest.database.session() as s:
            flags = list(s.scalars(select(Flag).where(Flag.rule == "MISSING_REPORT")))
            cited = [r["run"] for f in flags for r in (f.evidence or {}).get("searched_by", [])]
        assert run_id not in cited
        assert flags == []  # no other crawl looked at the portal
    finally:
        harvest.server.stop()
        harvest.database.dispose()


def test_a_run_left_running_by_a_killed_process_is_cancelled_when_its_portal_is_crawled_again(
    tmp_path: Path,
) -> None:
    harvest = serve_and_register(tmp_path, build_site(seed=1))
    harvest.server.stop()
    try:
        portals = [p["id"] for p in harvest.manifest["portals"][:2]]
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        dead_pid = int(dead.stdout)
        host = socket.gethostname()
        with harvest.database.session() as s:
            runs = [
                CrawlRun(portal_id=portals[0], status=RunStatus.RUNNING, stats={"pid": dead_pid, "host": host}),
                CrawlRun(portal_id=portals[0], status=RunStatus.RUNNING, stats={"pid": os.getpid(), "host": host}),
                CrawlRun(portal_id=portals[1], status=RunStatus.RUNNING, stats={"pid": dead_pid, "host": host}),
            ]
            s.add_all(runs)
            s.flush()
            killed, alive, other_portal = (r.id for r in runs)
        with harvest.database.session() as s:
            assert close_stale_runs(s, portals[0]) == [killed]
        with harvest.database.session() as s:
            status = {r.id: str(r.status) for r in s.scalars(select(CrawlRun))}
            assert status == {killed: "cancelled", alive: "running", other_portal: "running"}
            assert json.loads(json.dumps(s.get(CrawlRun, killed).stats))["finish_reason"] == "killed"
    finally:
        harvest.database.dispose()


def _runs(database, status: RunStatus) -> list[int]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return list(s.scalars(select(CrawlRun.id).where(CrawlRun.status == status)))
