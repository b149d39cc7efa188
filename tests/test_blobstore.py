"""The blob store: content-addressed, write-once, atomic, and closed to path tricks."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from db.blobstore import INCOMING, STALE_AFTER, BlobCorrupted, BlobKeyError, BlobNotFound, FileBlobStore


def test_put_returns_sha256_and_get_returns_the_bytes(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    data = "岚皋县2020年度政府信息公开工作年度报告".encode()
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.get(key) == data
    assert store.exists(key)
    assert store.path_for(key) == tmp_path / "blobs" / key[:2] / key[2:4] / key


def test_write_once_leaves_the_first_file_untouched(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    key = store.put(b"report")
    path = store.path_for(key)
    before = path.stat()
    assert store.put(b"report") == key
    after = path.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # read-only for everyone but root


def test_stream_put_matches_put(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    data = os.urandom(3 * (1 << 20) + 7)
    key = store.put_stream(io.BytesIO(data))
    assert key == hashlib.sha256(data).hexdigest()
    assert store.get(key) == data
    assert list((tmp_path / INCOMING).iterdir()) == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "ab/../" + "a" * 58,
        "",
        "a" * 63 + "\n",
    ],
)
def test_keys_that_could_escape_are_refused(tmp_path: Path, key: str) -> None:
    store = FileBlobStore(tmp_path)
    with pytest.raises(BlobKeyError):
        store.get(key)
    with pytest.raises(BlobKeyError):
        store.exists(key)


def test_missing_blob(tmp_path: Path) -> None:
    with pytest.raises(BlobNotFound):
        FileBlobStore(tmp_path).get("0" * 64)


def test_corruption_is_detected_when_verifying(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    key = store.put(b"original")
    path = store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    with pytest.raises(BlobCorrupted):
        store.get(key, verify=True)


@pytest.mark.parametrize("how", ["put", "put_stream"])
def test_putting_the_bytes_again_repairs_a_damaged_blob(tmp_path: Path, how: str) -> None:
    store = FileBlobStore(tmp_path)
    key = store.put(b"original")
    path = store.path_for(key)
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    assert store.exists(key) and not store.intact(key)
    assert (store.put(b"original") if how == "put" else store.put_stream(io.BytesIO(b"original"))) == key
    assert store.get(key, verify=True) == b"original"
    assert store.intact(key)


def test_temporary_files_of_killed_writers_are_swept_by_a_writer_not_a_reader(tmp_path: Path) -> None:
    key = FileBlobStore(tmp_path).put(b"stored earlier")
    incoming = tmp_path / INCOMING
    stale, fresh = incoming / "tmpstale", incoming / "tmpfresh"
    stale.write_bytes(b"half a report")
    fresh.write_bytes(b"a write in progress")
    old = stale.stat().st_mtime - STALE_AFTER - 60
    os.utime(stale, (old, old))
    assert FileBlobStore(tmp_path).get(key) == b"stored earlier"
    assert sorted(p.name for p in incoming.iterdir()) == ["tmpfresh", "tmpstale"]
    FileBlobStore(tmp_path).put(b"a report")
    assert sorted(p.name for p in incoming.iterdir()) == ["tmpfresh"]


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileBlobStore(tmp_path)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(b"never stored")
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []
