"""Errors shared by every app."""

from __future__ import annotations

from django.utils.translation import gettext as _


class InvalidTransition(Exception):
    """A lifecycle does not allow ``action`` from its ``current`` state.

    Each lifecycle (loans, feedback cases, archive volumes, destruction lists)
    has one transition map and raises this when it is asked for a move the
    map does not hold; the API turns it into 409 Conflict.
    """

    def __init__(self, *, entity: str, current: str, action: str) -> None:
        self.entity = entity
        self.current = current
        self.action = action
        super().__init__(
            _("%(entity)s in state “%(current)s” does not allow “%(action)s”.")
            % {"entity": entity, "current": current, "action": action}
        )


class Lifecycle:
    """A table of allowed transitions: ``{state: {action: next_state}}``."""

    def __init__(self, entity: str, transitions: dict[str, dict[str, str]]) -> None:
        self.entity = entity
        self.transitions = transitions

    def next_state(self, current: str, action: str) -> str:
        """Return the state ``action`` leads to from ``current``, or raise."""
        try:
            return self.transitions[current][action]
        except KeyError:
            raise InvalidTransition(
                entity=self.entity, current=current, action=action
            ) from None

    def allowed_actions(self, current: str) -> list[str]:
        """Return the actions allowed from ``current``."""
        return sorted(self.transitions.get(current, {}))
