"""What-if proposals: YAML overlays applied to a jurisdiction per request."""

from ._cost import cost_proposal
from ._proposal import Proposal, apply_proposal, load_proposal, parse_proposal

__all__ = ["Proposal", "apply_proposal", "cost_proposal", "load_proposal", "parse_proposal"]
