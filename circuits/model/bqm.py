"""D-Wave Ocean's binary quadratic model files (docs/formats.md): the file of ``dimod.BinaryQuadraticModel.to_file()``,
read through the optional ``dimod`` package (the ``dwave`` extra), imported only when a file is read.

dimod's energy is ``E = offset + sum_i a_i v_i + sum_{i<j} b_ij v_i v_j`` with ``v`` spins (SPIN) or bits (BINARY),
the sign of the problem format, so the model is :func:`circuits.model.hubo.from_dict` (spins) or
:func:`~circuits.model.hubo.from_binary` (bits) of the same coefficients, with the variables relabelled 0..n-1 in
the file's variable order.
"""
from __future__ import annotations

from circuits.model import hubo, textfile

MAGIC = b"DIMODBQM"  # the first bytes of a file written by dimod's to_file()
INSTALL = 'pip install "pbits[dwave]"'


def is_bqm(path) -> bool:
    """True if ``path`` is a readable file that starts with dimod's magic bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read(path) -> tuple[hubo.Hubo, list]:
    """``(model, labels)``: the spin model of a dimod BQM file and the original label of each variable 0..n-1
    (ints and strings as they are, other labels as their ``str``).

    Raises:
        ModuleNotFoundError: dimod is not installed (the message says how to install it).
        ValueError: the file is not a BQM file dimod can read, or it has no variables.
    """
    name = textfile.existing(path, "bqm.read", "a dimod BQM file")
    try:
        import dimod
    except ImportError:
        raise ModuleNotFoundError(f"bqm.read: reading the dimod BQM file '{name}' needs the optional package dimod; "
                                  f"install it with {INSTALL}", name="dimod") from None
    if not is_bqm(path):
        raise ValueError(f"bqm.read: '{name}' does not start with {MAGIC.decode()}; expected a file written by "
                         "dimod.BinaryQuadraticModel.to_file()")
    try:
        with open(path, "rb") as f:
            b = dimod.BinaryQuadraticModel.from_file(f)
    except Exception as err:  # noqa: BLE001 -- dimod's own errors vary by version: report them in one line
        raise ValueError(f"bqm.read: '{name}' is not a BQM file dimod can read ({type(err).__name__}: {err})"
                         ) from None
    if b.num_variables == 0:
        raise ValueError(f"bqm.read: '{name}' has no variables; nothing to solve or sample")
    labels = list(b.variables)
    pos = {v: k for k, v in enumerate(labels)}
    terms = {(pos[v],): float(a) for v, a in b.linear.items()}
    for (u, v), c in b.quadratic.items():
        t = tuple(sorted((pos[u], pos[v])))
        terms[t] = terms.get(t, 0.0) + float(c)
    spin = b.vartype is dimod.SPIN
    build = hubo.from_dict if spin else hubo.from_binary
    model = build(terms, len(labels), offset=float(b.offset))
    return model, [v if isinstance(v, (int, str)) else str(v) for v in labels]
