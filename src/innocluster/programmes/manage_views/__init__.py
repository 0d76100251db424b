"""The operators' back office for applications (mounted at /manage/applications/): the
filtered list with counts per state, bulk actions and exports (``lists``), and one application
with its workflow moves and its full file as a PDF (``detail``), and the calls with their
publishing (``calls``). Fund staff only; anyone else signed in gets 404."""

from .call_form import edit_call, new_call
from .calls import call_list, publish
from .detail import application_detail, application_file, application_move
from .lists import application_list, bulk_action, export

__all__ = [
    "application_detail",
    "application_file",
    "application_list",
    "application_move",
    "bulk_action",
    "call_list",
    "edit_call",
    "export",
    "new_call",
    "publish",
]
