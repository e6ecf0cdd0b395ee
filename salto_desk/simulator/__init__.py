"""A ProAccess Space stand-in that speaks the PMS Industry Standard protocol."""

from salto_desk.simulator.cards import SimCard
from salto_desk.simulator.config import SimulatorConfig
from salto_desk.simulator.faults import Fault, Faults
from salto_desk.simulator.server import Simulator
from salto_desk.simulator.state import AuditRecord, SiteState, Stay

__all__ = ["AuditRecord", "Fault", "Faults", "SimCard", "Simulator", "SimulatorConfig", "SiteState", "Stay"]
