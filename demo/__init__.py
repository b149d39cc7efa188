"""The demonstration: a sample registry now, a sample portal server with the harvest step."""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SAMPLE_REGISTRY = DEMO_DIR / "registry.yaml"
