"""R oracle fixtures: Rscript is required in CI (RETROCOHORT_REQUIRE_R=1), optional elsewhere."""

import pytest
from rscript import require_rscript


@pytest.fixture(scope="session")
def rscript() -> str:
    """Rscript's path. A missing R is a failure when RETROCOHORT_REQUIRE_R=1 (CI), else a skip."""
    return require_rscript()
