"""The transition map of a feedback case (SPEC §5; STYLE "one transition map").

::

    received           ─contact─▶  contacted
    contacted          ─propose─▶  solution_proposed
    solution_proposed  ─revise──▶  contacted
    solution_proposed  ─resolve─▶  resolved
    resolved           ─close───▶  closed
    received, contacted,
    solution_proposed  ─dismiss─▶  closed
    resolved, closed   ─reopen──▶  contacted

* ``contact``: the client was contacted (the 24-hour clock stops).
* ``propose``: a solution was replied (the working-day clock stops).
* ``revise``: the client did not accept the solution; work on another one.
* ``resolve``: the client accepted, or the case ended; the outcome is recorded.
* ``close``: the ledger entry of a resolved case is complete.
* ``dismiss``: the case is no case to work on (a duplicate of another, spam
  that got past the form's checks, a message meant for someone else); it is
  closed without a resolution, with the reason, stays in the ledger and is
  left out of the quarterly summary. A client who withdraws a complaint has
  it resolved, with that outcome: it was a complaint.
* ``reopen``: the client came back about the same matter; the clocks already
  met or missed stay as they were (product decision: a reopened case does
  not get fresh deadlines, its history shows the reopening). A case closed
  without resolution before anyone contacted the client goes back to
  received instead, to be contacted; reopening undoes the dismissal, so
  the clocks it stopped run again to their deadlines.

An extension of the reply deadline is an event, not a state: see
``feedback_extend``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lexkeep.core.exceptions import Lifecycle
from lexkeep.feedback.models import Status

CONTACT = "contact"
PROPOSE = "propose"
REVISE = "revise"
RESOLVE = "resolve"
CLOSE = "close"
DISMISS = "dismiss"
REOPEN = "reopen"

FEEDBACK_LIFECYCLE = Lifecycle(
    "feedback",
    {
        Status.RECEIVED: {CONTACT: Status.CONTACTED, DISMISS: Status.CLOSED},
        Status.CONTACTED: {PROPOSE: Status.SOLUTION_PROPOSED, DISMISS: Status.CLOSED},
        Status.SOLUTION_PROPOSED: {
            REVISE: Status.CONTACTED,
            RESOLVE: Status.RESOLVED,
            DISMISS: Status.CLOSED,
        },
        Status.RESOLVED: {CLOSE: Status.CLOSED, REOPEN: Status.CONTACTED},
        Status.CLOSED: {REOPEN: Status.CONTACTED},
    },
)

#: Labels of the actions, for buttons and the history.
ACTION_LABELS = {
    CONTACT: _("Record contact with the client"),
    PROPOSE: _("Record the solution replied"),
    REVISE: _("Solution not accepted"),
    RESOLVE: _("Mark resolved"),
    CLOSE: _("Close the case"),
    DISMISS: _("Close without resolution"),
    REOPEN: _("Reopen"),
}

#: Labels of the events that are not transitions.
EVENT_LABELS = {
    "received": _("Received"),
    "assigned": _("Assigned"),
    "reassigned": _("Reassigned"),
    "extended": _("Reply deadline extended"),
    "satisfaction": _("Satisfaction recorded"),
    "updated": _("Details updated"),
    "escalated": _("Escalated to the director"),
    CONTACT: _("Client contacted"),
    PROPOSE: _("Solution replied"),
    REVISE: _("Solution not accepted"),
    RESOLVE: _("Resolved"),
    CLOSE: _("Closed"),
    DISMISS: _("Closed without resolution"),
    REOPEN: _("Reopened"),
}

#: Actions whose note is required, and what the note is.
NOTE_REQUIRED = {
    CONTACT: _("What was said when the client was contacted."),
    PROPOSE: _("The solution replied to the client."),
    REVISE: _("Why the client did not accept the solution."),
    RESOLVE: _("The outcome."),
    DISMISS: _(
        "Why there is nothing to resolve (which case it duplicates, what it was)."
    ),
    REOPEN: _("Why the case is reopened."),
}
