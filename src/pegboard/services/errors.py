"""Errors the services raise for bad input: shown to the user as they are."""


class ServiceError(ValueError):
    """A request that breaks a domain rule; the message is for the user, one line."""


class NotFound(ServiceError):
    pass


class EditConflict(ServiceError):
    """The record changed (in another window or process) since the edit began."""
