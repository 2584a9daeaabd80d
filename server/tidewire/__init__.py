"""Tidewire: a local daemon that coordinates coding agents, with a live dashboard."""

__version__ = "0.1.0"
