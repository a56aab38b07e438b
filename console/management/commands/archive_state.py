from console.management.state_commands import StateStatusCommand
from console.services import state_archive


class Command(StateStatusCommand):
    help = "Archive a State: closed as a suspended one is, data kept; resumable, or deletable with delete_state."
    service = state_archive
    reason_required = "Say why the State is archived (--reason)"
    refused = "{state} is {status} already"
    done = "{state} is archived"
