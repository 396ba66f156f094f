class DiveError(Exception):
    """A failure the user can act on; the driver prints the message, no traceback."""
