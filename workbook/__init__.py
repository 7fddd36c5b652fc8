"""shishi: catalogue, district templates and consolidation for the 十件实事 targets."""

__version__ = "0.1.0"
