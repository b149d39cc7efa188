"""The demonstration: the seed reports and their registry, the sample portal, and the demo run."""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SAMPLE_REGISTRY = DEMO_DIR / "registry.yaml"  # the five bodies of the seed reports
SEED_REPORTS = DEMO_DIR / "seeds"  # five real reports as text (see seeds/README.md)
