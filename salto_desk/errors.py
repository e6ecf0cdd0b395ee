"""The one root error of Salto Desk and the bilingual text every user-facing error carries.

Every error a receptionist can see says what went wrong and what to do, in English and Dutch, so the
GUI and the CLI never have to invent wording of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Text:
    """A user-visible sentence in every language the desk speaks."""

    en: str
    nl: str

    def __call__(self, language: str = "en") -> str:
        return self.nl if language == "nl" else self.en


@dataclass(frozen=True)
class Plural:
    """A sentence about a number of things: the singular for exactly one, else the plural; ``{count}`` is
    filled in (``Plural(Text("{count} card", ...), Text("{count} cards", ...))(2, "en")`` -> ``2 cards``)."""

    one: Text
    other: Text

    def __call__(self, count: int, language: str = "en", **values: object) -> str:
        return (self.one if count == 1 else self.other)(language).format(count=count, **values)


class SaltoDeskError(Exception):
    """Root of every error Salto Desk raises on purpose."""

    def __init__(self, message: Text, action: Text | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.action = action

    def user_message(self, language: str = "en") -> str:
        """The message followed by the suggested action, in one language."""
        if self.action is None:
            return self.message(language)
        return f"{self.message(language)} {self.action(language)}"


class ValidationError(SaltoDeskError):
    """Input that was refused before anything was stored or sent."""

    def __init__(self, field: str, message: Text, action: Text | None = None) -> None:
        super().__init__(message, action)
        self.field = field
