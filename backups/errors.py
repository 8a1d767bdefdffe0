class BackupError(Exception):
    """A backup cannot be written, or an archive cannot (or may not) be restored."""
