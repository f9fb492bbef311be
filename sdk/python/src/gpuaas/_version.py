"""The SDK's version (kept in step with pyproject.toml by a unit test)."""

__version__ = "0.1.0"
