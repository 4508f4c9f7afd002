from ..errors import DomainError


class NotYetRateable(DomainError):
    """The training can be rated once the organisme has declared the exit."""


class NoLongerEditable(DomainError):
    """A rating is editable for 30 days."""


class ConcurrentRating(DomainError):
    """Two ratings of one file at the same moment: one of them is kept."""


class RatingNotFound(DomainError):
    """No rating of this file yet."""
