"""Content-addressed, write-once storage for fetched documents: the bytes behind every `Document`."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20
INCOMING = ".incoming"  # temporary files of writes in progress, renamed into place when complete
STALE_AFTER = 3600.0  # seconds after which a temporary file is taken for the remains of a killed writer


class BlobKeyError(ValueError):
    """A key that is not a lowercase hex sha256 (and so could escape the store's folder)."""


class BlobNotFound(KeyError):
    pass


class BlobCorrupted(RuntimeError):
    """Stored bytes no longer hash to their key."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise BlobKeyError(f"not a sha256 blob key: {key!r}")
    return key


class BlobStore(Protocol):
    """The interface every store implements (a database-backed one can come with scale-out)."""

    def put(self, data: bytes) -> str: ...

    def put_stream(self, stream: BinaryIO) -> str: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class FileBlobStore:
    """Blobs under root/ab/cd/<sha256>. A blob is written to a temporary file and renamed into
    place, so readers never see half a file. A blob that hashes to its key is never rewritten; one
    that does not (damaged on disk) is replaced when its bytes are put again. Temporary files of
    killed writers are swept by the first write of each store object."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._incoming = self.root / INCOMING
        self._swept = False  # the first write sweeps; a store opened only to read changes nothing

    def path_for(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def intact(self, key: str, size: int | None = None) -> bool:
        """The blob is stored and its bytes still hash to its key (`size`, when known, saves reading a
        file of the wrong length)."""
        path = self.path_for(key)
        digest = hashlib.sha256()
        try:
            if size is not None and path.stat().st_size != size:
                return False
            with path.open("rb") as stored:
                while chunk := stored.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == key

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        if not self.intact(key, len(data)):
            tmp = self._spool([data])
            self._place(tmp, key)
        return key

    def put_stream(self, stream: BinaryIO) -> str:
        """Store a large file without holding it in memory: hash while spooling to a temp file."""
        digest = hashlib.sha256()

        def chunks() -> Iterator[bytes]:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                yield chunk

        tmp = self._spool(chunks())
        key = digest.hexdigest()
        if self.intact(key):
            os.unlink(tmp)
        else:
            self._place(tmp, key)
        return key

    def sweep_incoming(self, older_than: float = STALE_AFTER) -> int:
        """Remove temporary files left by writers that were killed; returns how many. Best effort: a
        file it cannot remove (gone meanwhile, another user's) is left for a later sweep."""
        removed = 0
        try:
            entries = list(os.scandir(self._incoming))
        except OSError:
            return 0
        cutoff = time.time() - older_than
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                pass
        return removed

    def _spool(self, chunks: Iterable[bytes]) -> str:
        """Write the bytes to a durable temporary file; returns its path."""
        self._incoming.mkdir(parents=True, exist_ok=True)
        if not self._swept:
            self._swept = True
            self.sweep_incoming()
        fd, tmp = tempfile.mkstemp(dir=self._incoming)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        return tmp

    def _place(self, tmp: str, key: str) -> None:
        final = self.path_for(key)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def get(self, key: str, verify: bool = False) -> bytes:
        path = self.path_for(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        if verify and sha256_hex(data) != key:
            raise BlobCorrupted(f"blob {key} does not match its hash")
        return data
