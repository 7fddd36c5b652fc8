"""All shishi exceptions. Messages are in Chinese: they reach city-office users as they are."""


class ShishiError(Exception):
    """Base class of every error shishi raises on purpose."""


class InputError(ShishiError):
    """Bad input: a catalogue, a period, a settings file or an argument that cannot be used."""


class FileIOError(ShishiError):
    """A file could not be read or written (locked, missing, not a spreadsheet)."""
