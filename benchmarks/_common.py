"""What the benchmark scripts share: the data directory (``$PBITS_SHARED``, else ``shared/`` beside the
repository)."""
from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("PBITS_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
