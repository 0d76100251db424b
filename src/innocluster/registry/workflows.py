"""The membership workflow as one table: from each status, the statuses it may move to.

State codes are stable identifiers (see choices.MembershipStatus); never rename one in place.
"""

from .choices import MembershipStatus as S

MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    # applied: admitted (member or partner by region), or refused/withdrawn
    S.APPLICANT: {S.MEMBER, S.PARTNER, S.WITHDRAWN},
    # admitted: paused by the Fund, or leaves; a partner who moves to the home region becomes a member
    S.MEMBER: {S.SUSPENDED, S.WITHDRAWN, S.PARTNER},
    S.PARTNER: {S.SUSPENDED, S.WITHDRAWN, S.MEMBER},
    # paused: reinstated or leaves
    S.SUSPENDED: {S.MEMBER, S.PARTNER, S.WITHDRAWN},
    # left: may apply again
    S.WITHDRAWN: {S.MEMBER, S.PARTNER, S.APPLICANT},
}
