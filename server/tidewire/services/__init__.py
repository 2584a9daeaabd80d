"""Domain services: validate, then change state and emit events in one store write."""
