"""The OpenAPI contract (openapi.yaml) as the one source of truth for both sides of the line.

The sandbox checks requests against it and the client checks answers against it, so a field
that is missing or of the wrong type is caught at the edge instead of deep inside a flow.
Only the JSON-Schema words the contract uses are supported; anything else is an error here,
not a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import yaml

CONTRACT_PATH = Path(__file__).with_name("openapi.yaml")

_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}
_ANNOTATIONS = {"description", "title", "example", "format"}


@cache
def document() -> dict[str, Any]:
    with CONTRACT_PATH.open(encoding="utf-8") as f:
        # libyaml's loader when PyYAML has it: the pure-Python one takes most of a second
        loaded: dict[str, Any] = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def schema(name: str) -> dict[str, Any]:
    found: dict[str, Any] = document()["components"]["schemas"][name]
    return found


def reason_codes() -> frozenset[str]:
    return frozenset(schema("ReasonCode")["enum"])


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()  # JSON Schema: 308.0 is an integer
    return isinstance(value, _TYPES[name])


def problems(value: Any, node: dict[str, Any], where: str = "$") -> list[str]:
    """Every way `value` breaks the schema `node` (empty when it fits)."""
    node = _resolve(node)
    found: list[str] = []
    unknown = set(node) - _ANNOTATIONS - _CHECKS.keys()
    if unknown:
        raise ValueError(f"contract uses unsupported schema words {sorted(unknown)} at {where}")
    for word, check in _CHECKS.items():
        if word in node:
            found += check(value, node, where)
    return found


def _check_type(value: Any, node: dict[str, Any], where: str) -> list[str]:
    names = node["type"] if isinstance(node["type"], list) else [node["type"]]
    if any(_is_type(value, n) for n in names):
        return []
    return [f"{where}: expected {'/'.join(names)}, got {type(value).__name__}"]


def _check_properties(value: Any, node: dict[str, Any], where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    found: list[str] = []
    props = node["properties"]
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            found += problems(item, props[key], f"{where}.{key}")
        elif extra is False:
            found.append(f"{where}.{key}: not allowed")
        elif isinstance(extra, dict):
            found += problems(item, extra, f"{where}.{key}")
    return found


def _check_required(value: Any, node: dict[str, Any], where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [f"{where}.{k}: missing" for k in node["required"] if k not in value]


def _check_additional(value: Any, node: dict[str, Any], where: str) -> list[str]:
    # only when there is no "properties": a free map such as figures or supplies
    if (
        "properties" in node
        or not isinstance(value, dict)
        or not isinstance(node["additionalProperties"], dict)
    ):
        return []
    found: list[str] = []
    for key, item in value.items():
        found += problems(item, node["additionalProperties"], f"{where}.{key}")
    return found


def _check_items(value: Any, node: dict[str, Any], where: str) -> list[str]:
    if not isinstance(value, list):
        return []
    found: list[str] = []
    for i, item in enumerate(value):
        found += problems(item, node["items"], f"{where}[{i}]")
    return found


def _check_one_of(value: Any, node: dict[str, Any], where: str) -> list[str]:
    fits = sum(not problems(value, option, where) for option in node["oneOf"])
    return [] if fits == 1 else [f"{where}: fits {fits} of the allowed shapes, not exactly one"]


# a check of one schema word: (value, schema node, where) -> problems
Check: TypeAlias = Callable[[Any, dict[str, Any], str], list[str]]
# a test of a value against a limit: True, False, or None when the word does not apply to it
LimitTest: TypeAlias = Callable[[Any, Any], bool | None]


def _bound(word: str, test: LimitTest, message: str) -> Check:
    def check(value: Any, node: dict[str, Any], where: str) -> list[str]:
        limit = node[word]
        if test(value, limit) is False:
            return [f"{where}: {message} {limit}"]
        return []

    return check


def _sized(kind: type, measure: Callable[[Any], int], op: Callable[[int, int], bool]) -> LimitTest:
    def test(value: Any, limit: Any) -> bool | None:
        return op(measure(value), limit) if isinstance(value, kind) else None

    return test


_NUMBER = (int, float)
_CHECKS: dict[str, Check] = {
    "type": _check_type,
    "required": _check_required,
    "properties": _check_properties,
    "additionalProperties": _check_additional,
    "items": _check_items,
    "oneOf": _check_one_of,
    "enum": _bound("enum", lambda v, allowed: v in allowed, "must be one of"),
    "pattern": _bound(
        "pattern", lambda v, p: bool(re.search(p, v)) if isinstance(v, str) else None, "must match"
    ),
    "minLength": _bound("minLength", _sized(str, len, int.__ge__), "shorter than"),
    "maxLength": _bound("maxLength", _sized(str, len, int.__le__), "longer than"),
    "minItems": _bound("minItems", _sized(list, len, int.__ge__), "fewer items than"),
    "maxItems": _bound("maxItems", _sized(list, len, int.__le__), "more items than"),
    "minimum": _bound(
        "minimum",
        lambda v, m: v >= m if isinstance(v, _NUMBER) and not isinstance(v, bool) else None,
        "below",
    ),
    "maximum": _bound(
        "maximum",
        lambda v, m: v <= m if isinstance(v, _NUMBER) and not isinstance(v, bool) else None,
        "above",
    ),
}


def whole_numbers(value: Any) -> Any:
    """The same JSON with integral floats (308.0) turned into ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


def _operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in document()["paths"].items():
        for method, op in item.items():
            if op.get("operationId") == operation_id:
                return method.upper(), path, op
    raise KeyError(f"no operation {operation_id!r} in the contract")


def request_problems(operation_id: str, body: Any) -> list[str]:
    op = _operation(operation_id)[2]
    if "requestBody" not in op:
        return []
    return problems(body, op["requestBody"]["content"]["application/json"]["schema"], "body")


def response_problems(operation_id: str, status: int, body: Any) -> list[str]:
    responses = _operation(operation_id)[2]["responses"]
    answer = _resolve(responses.get(str(status)) or responses["default"])
    return problems(body, answer["content"]["application/json"]["schema"], "response")


def parameter_problems(operation_id: str, where: str, values: Mapping[str, str]) -> list[str]:
    """Problems with the path or header parameters (`where` = "path" or "header")."""
    found = []
    for param in _operation(operation_id)[2].get("parameters", []):
        param = _resolve(param)
        if param["in"] != where:
            continue
        value = values.get(param["name"])
        if value is None:
            found += [f"{where} {param['name']}: missing"] if param.get("required") else []
        else:
            found += problems(value, param["schema"], f"{where} {param['name']}")
    return found


def path_pattern(operation_id: str) -> re.Pattern[str]:
    """The operation's path as a regex with one named group per path parameter."""
    path = _operation(operation_id)[1]
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")


def operation_ids() -> list[str]:
    return [op["operationId"] for item in document()["paths"].values() for op in item.values()]


def method_of(operation_id: str) -> str:
    return _operation(operation_id)[0]


def path_of(operation_id: str) -> str:
    return _operation(operation_id)[1]


def takes_body(operation_id: str) -> bool:
    return "requestBody" in _operation(operation_id)[2]


def takes_idempotency_key(operation_id: str) -> bool:
    return any(
        p.get("$ref", "").endswith("/IdempotencyKey")
        for p in _operation(operation_id)[2].get("parameters", [])
    )
