"""Simple acceptance (简易验收): the checklist of a plan, the evidence, its verification, rewards and subsidies.

Pure functions over the plan's JSON and the knowledge base's acceptance policy; nothing here stores or signs
(``api/`` does that).
"""

from engine.acceptance.checklist import build_checklist, plan_sha256
from engine.acceptance.evidence import AcceptanceInvalid, Evidence, parse_evidence
from engine.acceptance.verify import verify_acceptance

__all__ = [
    "AcceptanceInvalid",
    "Evidence",
    "build_checklist",
    "parse_evidence",
    "plan_sha256",
    "verify_acceptance",
]
