"""Errors the services raise for bad input: shown to the user as they are."""


class ServiceError(ValueError):
    """A request that breaks a domain rule; the message is for the user, one line."""


class NotFound(ServiceError):
    pass


class EditConflict(ServiceError):
    """The record changed (in another window or process) since the edit began."""


class StorageError(ServiceError):
    """The database would not take a write: the disk is full, the file is read-only, or
    the server went away. Nothing was saved; what the user typed must be kept."""
