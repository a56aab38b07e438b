from console.management.state_commands import StateStatusCommand
from console.services import state_resume


class Command(StateStatusCommand):
    help = "Resume a suspended or archived State."
    service = state_resume
    refused = "{state} is {status}, not suspended"
    done = "{state} is active again"
