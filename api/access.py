"""Who may do what. Roles, the caller (:class:`Principal`) and the record scope of each role.

=========== ============================================== ===============================================
role        may read                                       may write
=========== ============================================== ===============================================
enterprise  its own enterprise's records; its own position self-inspections and plans for its enterprise (in
            in a cohort, against anonymised peers          its districts, if the key is bound to some)
auditor     every record of an enterprise in its districts review notes on those plans; cohorts of
            and, of a cohort, the members in them          self-inspections in its districts
platform    every record; whole cohorts                    self-inspections and plans for any enterprise;
                                                           cohorts
bureau      every record; whole cohorts                    nothing (read-only: every write route is 403)
admin       the knowledge base and the manual              API keys; reloads the knowledge base
=========== ============================================== ===============================================

Everybody with a key reads the manual and the knowledge base. A record outside the caller's scope answers 404,
as if it did not exist; 403 is only for a role that may never call the route.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, true

from engine.intake.model import normalise_district

__all__ = [
    "COHORT_READERS",
    "COHORT_WRITERS",
    "READERS",
    "SUBMITTERS",
    "WHOLE_COHORT_READERS",
    "Principal",
    "Role",
    "scope_clause",
]


class Role(StrEnum):
    enterprise = "enterprise"
    auditor = "auditor"
    platform = "platform"
    admin = "admin"
    bureau = "bureau"  # the supervising bureau (生态环境局): reads everything, writes nothing


READERS = frozenset({Role.enterprise, Role.auditor, Role.platform, Role.bureau})
SUBMITTERS = frozenset({Role.enterprise, Role.platform})
COHORT_WRITERS = frozenset({Role.auditor, Role.platform})
WHOLE_COHORT_READERS = frozenset({Role.platform, Role.bureau})
COHORT_READERS = frozenset({Role.auditor, Role.platform, Role.bureau})  # enterprises: their own position only


@dataclass(frozen=True)
class Principal:
    """The caller, as its API key says."""

    key_id: str
    name: str
    role: Role
    enterprise_id: str | None = None
    districts: tuple[str, ...] = ()

    def may_read(self, enterprise_id: str, district: str) -> bool:
        if self.role in (Role.platform, Role.bureau):
            return True
        if self.role is Role.enterprise:
            return enterprise_id == self.enterprise_id
        if self.role is Role.auditor:
            return normalise_district(district) in {normalise_district(d) for d in self.districts}
        return False

    def may_file_in(self, district: str) -> bool:
        """An enterprise key bound to districts files only there (both sides normalised: NFKC, no zero-width)."""
        if self.role is not Role.enterprise or not self.districts:
            return True
        return normalise_district(district) in {normalise_district(d) for d in self.districts}

    def may_submit_for(self, enterprise_id: str) -> bool:
        if self.role is Role.platform:
            return True
        return self.role is Role.enterprise and enterprise_id == self.enterprise_id


def scope_clause(principal: Principal, table: Any) -> ColumnElement[bool]:
    """SQL condition selecting the rows of ``table`` (with enterprise_id and district) the caller may read."""
    if principal.role in (Role.platform, Role.bureau):
        return true()
    if principal.role is Role.enterprise and principal.enterprise_id:
        result: ColumnElement[bool] = table.enterprise_id == principal.enterprise_id
        return result
    if principal.role is Role.auditor and principal.districts:
        result = table.district.in_(sorted({normalise_district(d) for d in principal.districts}))
        return result
    return false()
