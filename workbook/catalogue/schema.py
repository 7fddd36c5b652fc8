"""Checking catalogue data against schema/catalogue.schema.json: fast (fastjsonschema, once per
distinct target: a catalogue of 1,000 units repeats the same few targets 81,000 times) when
all is well, and every error in Chinese (``schemazh``) when it is not."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from workbook.catalogue import schemazh
from workbook.core import resources


@cache
def _schema() -> dict[str, Any]:
    with resources.schema_path("catalogue.schema.json").open(encoding="utf-8") as f:
        result: dict[str, Any] = json.load(f)
    return result


@cache
def _fast_validator() -> Any:
    """The schema compiled by fastjsonschema: ten times faster than jsonschema for the yes/no
    question on a large catalogue; jsonschema then lists the errors when there are any."""
    import fastjsonschema  # start-up: the readers start before the catalogue is checked

    return fastjsonschema.compile(_schema())


def is_schema_valid(data: Any) -> bool:
    """Whether ``data`` fits the schema. A unit's target is checked once per distinct target
    (the schema does not constrain the unit keys, so this is the same question): a catalogue
    of 1,000 units repeats the same few targets 81,000 times."""
    return fits_schema(_distinct_targets(data))


def fits_schema(data: Any) -> bool:
    """Whether ``data``, as it is, fits the schema (fastjsonschema: yes or no)."""
    import fastjsonschema  # start-up, as above

    try:
        _fast_validator()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def target_key(t: Any) -> Any:
    """A hashable key, equal for target dicts with the same keys in the same order and the
    same values of the same types (true, 1 and 1.0 are equal in Python, not to the schema; a
    target written in another key order only misses the sharing, it is still checked)."""
    try:
        key = tuple((k, type(v), v) for k, v in t.items()) if isinstance(t, dict) else repr(t)
        hash(key)
        return key
    except TypeError:  # an unhashable value (a list, a dict): only in a broken catalogue
        return json.dumps(t, sort_keys=True, default=str)


def _distinct_targets(data: Any) -> Any:
    """``data`` with each indicator's targets reduced to one entry per distinct target."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        return data
    indicators = []
    for ind in data["indicators"]:
        targets = ind.get("targets") if isinstance(ind, dict) else None
        if isinstance(targets, dict) and len(targets) > 16:
            seen: dict[Any, tuple[str, Any]] = {}
            for unit, t in targets.items():
                seen.setdefault(target_key(t), (unit, t))
            ind = {**ind, "targets": dict(seen.values())}
        indicators.append(ind)
    return {**data, "indicators": indicators}


def schema_errors(data: Any) -> list[tuple[str, str, str, str]]:
    """Every JSON Schema error of ``data`` as (JSON path, Chinese sentence, what to do,
    jsonschema's English sentence), in document order."""
    import jsonschema  # only here: 50 ms of start-up when nothing is wrong

    if is_schema_valid(data):
        return []
    validator = jsonschema.Draft7Validator(_schema())
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        zh, action = schemazh.message(err, data)
        out.append((err.json_path, zh, action, err.message))
    return out
