"""Writing files so that a reader sees the old file or the new one, never half of one.

Every output of cinecoop goes through :func:`write_atomic`: a temporary file in the same folder,
flushed, given the usual mode (0644 under the common umask), then renamed over the target.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from anyascii import anyascii

__all__ = ["write_atomic", "slug", "fingerprint"]


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fingerprint(roots: tuple[Path, ...], salt: str = "") -> str:
    """A hash of every file's path (relative to its root's parent) and bytes under ``roots``."""
    h = hashlib.sha256(salt.encode())
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def slug(name: str, limit: int = 60) -> str:
    """A readable file name for ``name`` in any script: transliterated to ASCII, lower case,
    words joined by ``-``, at most ``limit`` characters (cut at a word boundary).

    >>> slug("Перспективы государственно-уровневого сотрудничества в киноиндустрии")
    'perspektivy-gosudarstvenno-urovnevogo-sotrudnichestva-v'
    >>> slug("Rashad Azizov"), slug("KOBİA"), slug("?!")
    ('rashad-azizov', 'kobia', 'unnamed')
    """
    words = re.findall(r"[a-z0-9]+", anyascii(name).lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "unnamed")
