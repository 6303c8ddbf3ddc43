"""What tests share."""

from pathlib import Path

# Real published data, copied with its source (tests/data/README.md); the tests read nothing
# outside the repository.
REALDATA = Path(__file__).resolve().parent / "data"
