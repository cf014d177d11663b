"""Reading the plain-text problem files (docs/formats.md): one reader of lines, so that every format refuses a folder,
a missing file, a file that is not UTF-8 text and an empty file with the same one-line errors."""
from __future__ import annotations

from pathlib import Path


def lines(path, where: str, *, what: str, header: str) -> list[tuple[int, str]]:
    """The non-empty lines of a text file as ``(line number from 1, text)``, with ``#`` comments (to the end of
    the line) and surrounding blanks removed.

    Args:
        path: the file.
        where: the caller's name for messages, e.g. ``"qubo.read"``.
        what: what the file should be, e.g. ``"a QUBO file"``.
        header: the header the format expects, for the message about an empty file.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "q.txt")
        >>> _ = open(p, "w").write("# a comment\\n2 1  # header\\n\\n0 1 1.5\\n")
        >>> lines(p, "demo", what="a QUBO file", header="'n m'")
        [(2, '2 1'), (4, '0 1 1.5')]
    """
    name = existing(path, where, what)
    try:
        with open(path, encoding="utf-8-sig") as f:
            numbered = [(k + 1, ln.split("#", 1)[0].strip()) for k, ln in enumerate(f)]
    except UnicodeDecodeError as err:
        raise ValueError(f"{where}: '{name}' is not a text file in UTF-8/ASCII (byte {err.start}: {err.reason})"
                         ) from None
    numbered = [(k, ln) for k, ln in numbered if ln]
    if not numbered:
        raise ValueError(f"{where}: '{name}' is empty; expected a header {header}")
    return numbered


def existing(path, where: str, what: str) -> str:
    """The file name of ``path``, after refusing a folder or a missing file by name (``what`` the file should be)."""
    name = Path(path).name
    if Path(path).is_dir():
        raise ValueError(f"{where}: '{name}' is a folder; give the path of {what} in it")
    if not Path(path).is_file():
        raise FileNotFoundError(f"{where}: no such file '{path}'")
    return name
