"""Enrolment: an élu spends DIF élus rights on a session of a training, the organisme answers
through its API, the élu validates with a certified identity, and the file ("dossier") is
followed to its end or its refund."""
