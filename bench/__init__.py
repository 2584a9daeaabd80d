"""Tidewire benchmarks: `python -m bench --mode quick|full [--out PATH]`.

Every figure is a count, or a ratio against a baseline measured in the same run on the same machine:
the machine is small and shared, so absolute numbers from another run are not comparable.
"""
