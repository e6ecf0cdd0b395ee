"""Qt table models over the plain dataclasses the repositories return."""
