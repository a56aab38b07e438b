from console.management.state_commands import StateStatusCommand
from console.services import state_suspend


class Command(StateStatusCommand):
    help = "Suspend a State: its members cannot enter it and its portal answers 404; data untouched."
    service = state_suspend
    reason_required = "Say why the State is suspended (--reason)"
    refused = "{state} is {status}, not active"
    done = "{state} is suspended"
