"""How every open page of a workshop stays current, and who may change what: the live package.

- access.py: who is looking (`Viewer`, the one access model; 404 outside a workshop);
- guard.py: the one write guard (lock, phase, role, ownership) and `Refused`;
- activity.py: the one recorder (`record`), the declared changes, and the changes since a revision;
- pages.py: the one live mechanism: page context, boards, the poll and its deltas;
- writes.py: the one write helper (`write`) that leaves a write view only its domain change;
- timer.py: the countdown.

Why polling and not server-sent events: PostgreSQL is the only shared state and app
processes are interchangeable, so an SSE stream would hold a worker and a database
connection per open page for the whole workshop (100 phones = 100 held workers), or
need LISTEN/NOTIFY plumbing in every process. A poll every 2 s is a short request that
any process can answer, through any proxy, and costs what the idle check costs: one
indexed query on the activity record, answered 204 when nothing the page shows changed.
To keep it at one query the poll never touches the session or the user: the page carries
a signed viewer token issued after the full access check that rendered it.

When rows come back they name what changed (subject and id); the page's board renders
only those items and swaps them in place with htmx out-of-band swaps. Item markup is split
into regions (body, counts, the viewer's own controls), and a change from someone else
swaps only the shared regions, never a form: what a person is typing and where they
scrolled survive. New items are inserted after removing any copy already on the page, so
a delta delivered twice never doubles an item. Item markup does not depend on who looks at
it (a participant's own controls are shown by a style rule of their page, keyed on the
item's author), so a rendered delta is kept in `DELTA_MEMO` for the other pages of that
kind. bench/live_bench.py measures both paths.
"""

from visions.live.access import (  # noqa: F401
    PHASES,
    BadToken,
    Viewer,
    phase_index,
    viewer_for,
    viewer_from_token,
)
from visions.live.activity import (  # noqa: F401
    DELTA_MEMO,
    MAX_DELTA_ROWS,
    Change,
    Changes,
    DeltaMemo,
    Subject,
    Verb,
    activity_since,
    declare,
    last_activity_id,
    record,
)
from visions.live.guard import Needs, Refused, claim_form_key, contribution, new_form_key  # noqa: F401
from visions.live.pages import POLL_SECONDS  # noqa: F401, E402
from visions.live.timer import TimerState, pause_timer, reset_timer, start_timer, timer_state  # noqa: F401
