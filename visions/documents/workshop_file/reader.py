"""Reading: the bytes of an upload or a file into a JSON document, refusing what JSON lets through."""

import json
import math

from django.utils.translation import gettext as _

from visions.documents.workshop_file.shape import WorkshopFileError

MAX_FILE_BYTES = 10 * 1024 * 1024


class _NonFiniteConstant:
    def __init__(self, name):
        self.name = name


def load_bytes(data):
    """The JSON document in `data`, refusing oversize, non-UTF-8, invalid JSON and non-finite numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkshopFileError(
            "file", _("is larger than the limit of %(megabytes)d MB") % {"megabytes": MAX_FILE_BYTES // 2**20}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkshopFileError(
            "file", _("is not UTF-8 text (invalid byte at offset %(offset)d)") % {"offset": error.start}
        ) from None
    try:
        # NaN and Infinity become markers, so that the error can name where they stand.
        document = json.loads(text, parse_constant=_NonFiniteConstant, object_pairs_hook=_object_noting_repeats)
    except json.JSONDecodeError as error:
        raise WorkshopFileError(
            _("line %(line)d, column %(column)d") % {"line": error.lineno, "column": error.colno},
            _("invalid JSON: %(reason)s") % {"reason": error.msg},
        ) from None
    except RecursionError:
        raise WorkshopFileError("file", _("is nested too deeply to be a workshop file")) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise WorkshopFileError("file", _("invalid JSON: %(reason)s") % {"reason": error}) from None
    _refuse_unsound_values(document)
    return document


class _ObjectWithRepeats(dict):
    """A JSON object in which some field name appeared more than once."""

    repeated = ()


def _object_noting_repeats(pairs):
    obj = _ObjectWithRepeats(pairs)
    if len(obj) != len(pairs):
        seen = set()
        obj.repeated = [name for name, _value in pairs if name in seen or seen.add(name)]
    return obj


def _refuse_unsound_values(document):
    stack = [("document", document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, _NonFiniteConstant):
            raise WorkshopFileError(
                place, _("%(constant)s is not allowed: numbers must be finite") % {"constant": value.name}
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise WorkshopFileError(place, _("the number is too large"))
        if isinstance(value, dict):
            prefix = "" if place == "document" else place + "."
            if getattr(value, "repeated", ()):
                # JSON would silently keep the last one; the author surely meant only one.
                raise WorkshopFileError(prefix + value.repeated[0], _("this field is given more than once"))
            stack.extend((prefix + str(name), item) for name, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{place}[{index}]", item) for index, item in reversed(list(enumerate(value))))
