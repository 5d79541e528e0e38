"""The workshop's flow, one module per phase: each holds its page (a live board), its writes and
the changes those writes record.

stakeholders → vision → current_state → issues (and themes) → roadmap → export, plus the
facilitator's console and the live workshop's entry points (live_workshop: phase pages and
the projector). The mechanism they share is visions.live.
"""

from visions.phases import (  # noqa: F401  (importing registers each phase's board)
    console,
    current_state,
    export,
    issues,
    live_workshop,
    roadmap,
    stakeholders,
    themes,
    vision,
)
