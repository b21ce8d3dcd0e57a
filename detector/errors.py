"""Exceptions raised by the library. Only the CLI turns them into one-line messages."""


class CrossclaimError(Exception):
    """Base class for every error crossclaim raises on purpose."""


class InputError(CrossclaimError):
    """An input file or row cannot be used. The message names the file (and line) and the problem."""

    def __init__(self, source: str, problem: str, line: int | None = None):
        self.source, self.problem, self.line = source, problem, line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class ModelUnavailable(CrossclaimError):
    """A model (embedder, NLI backend) cannot be loaded; the message says what to install."""


class StoreError(CrossclaimError):
    """The SQLite store is missing, corrupt or from a newer crossclaim."""


class ParamsError(CrossclaimError):
    """A fitted parameter file is missing or malformed."""
