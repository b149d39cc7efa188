"""Content-addressed, write-once storage for fetched documents: the bytes behind every `Document`."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


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
    place, so readers never see half a file; an existing blob is never rewritten."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        if not self.exists(key):
            self._write(key, [data])
        return key

    def put_stream(self, stream: BinaryIO) -> str:
        """Store a large file without holding it in memory: hash while spooling to a temp file."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = digest.hexdigest()
            final = self.path_for(key)
            if final.exists():
                os.unlink(tmp)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)
                os.replace(tmp, final)
            return key
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _write(self, key: str, chunks: list[bytes]) -> None:
        final = self.path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
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
