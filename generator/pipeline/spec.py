"""Stage 2, model: validate loaded YAML against the pydantic types, re-rendering errors.

Pydantic's messages are rewritten as `path: message` with the hints a spec author
needs: "did you mean" for near-miss keys, "quote it" for numbers where text belongs.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.errors import Issue, Loc
from generator.pipeline.load import Document
from generator.pipeline.model import API_VERSION, BASE_KIND, KIND, Cluster


def parse_cluster(doc: Document) -> tuple[Cluster | None, list[Issue]]:
    """Validate one document; return the model or the issues (already located)."""
    data = doc.data
    if not isinstance(data, dict):
        return None, [doc.issue(Issue(loc=(), message="a spec document must be a mapping"))]
    header = _check_header(data)
    if header:
        return None, [doc.issue(i) for i in header]
    try:
        return Cluster.model_validate(data, by_alias=True), []
    except ValidationError as exc:
        issues = [_to_issue(err, doc) for err in exc.errors(include_url=False)]
        return None, [doc.issue(i) for i in _dedupe(issues)]


def _check_header(data: dict[str, Any]) -> list[Issue]:
    issues = []
    if data.get("apiVersion") != API_VERSION:
        issues.append(Issue(loc=("apiVersion",), message=_expected(API_VERSION, data, "apiVersion")))
    if data.get("kind") == BASE_KIND:
        issues.append(Issue(loc=("kind",), message=f"this is a base ({BASE_KIND}), not a cluster: it is rendered "
                            "only through the specs that extend it"))
    elif data.get("kind") != KIND:
        issues.append(Issue(loc=("kind",), message=_expected(KIND, data, "kind")))
    return issues


def _expected(value: str, data: dict[str, Any], key: str) -> str:
    if key not in data:
        return f"missing: every spec document starts with {key}: {value}"
    return f"must be {value!r} (got {data[key]!r})"


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple[Loc, str]] = set()
    result = []
    for issue in issues:
        if (issue.loc, issue.message) not in seen:
            seen.add((issue.loc, issue.message))
            result.append(issue)
    return result


def _to_issue(err: ErrorDetails, doc: Document) -> Issue:
    loc = _clean_loc(err["loc"])
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        return Issue(loc=loc, message=_unknown_key_message(loc))
    if kind == "missing":
        return Issue(loc=loc, message="required key is missing")
    raw = doc.scalars.get(loc)
    if kind == "string_type" and raw is not None and not isinstance(value, (dict, list)) and value is not None:
        what = {bool: "a boolean", int: "a number", float: "a number"}.get(type(value), f"a {type(value).__name__}")
        return Issue(loc=loc, message=f"must be a string; YAML read {raw} as {what}, quote it: \"{raw}\"")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        hint = _closest(str(value), _literal_options(expected)) if isinstance(value, str) else None
        suffix = f"; did you mean {hint!r}?" if hint else ""
        return Issue(loc=loc, message=f"must be one of {expected} (got {value!r}){suffix}")
    return Issue(loc=loc, message=_plain_message(err, value, raw))


def _plain_message(err: ErrorDetails, value: Any, raw: str | None) -> str:
    message = err["msg"]
    replacements = {
        "Input should be a valid string": "must be a string",
        "Input should be a valid integer": "must be a whole number",
        "Input should be a valid boolean": "must be true or false",
        "Input should be a valid list": "must be a list",
        "Input should be a valid dictionary or instance of": "must be a mapping",
        "Input should be a valid dictionary": "must be a mapping",
    }
    for old, new in replacements.items():
        if message.startswith(old):
            message = new
            break
    if raw is not None and value is not None:
        shown = repr(value) if isinstance(value, str) else raw
        message += f" (got {type(value).__name__} {shown})"
    elif value is not None and not isinstance(value, (dict, list)):
        message += f" (got {type(value).__name__} {value!r})"
    elif value is None:
        message += " (got null)"
    return message


def _literal_options(expected: str) -> list[str]:
    return [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _closest(word: str, options: list[str]) -> str | None:
    """A near miss: same letters ignoring case and `_`/`-` (NoSchedule, NO_SCHEDULE), else difflib's."""
    folded = {o.lower().replace("_", "").replace("-", ""): o for o in options}
    exact = folded.get(word.lower().replace("_", "").replace("-", ""))
    if exact:
        return exact
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _clean_loc(loc: tuple[str | int, ...]) -> Loc:
    """Drop pydantic's union-branch markers (`str`, `list[str]`, ...) from an error location."""
    return tuple(p for p in loc if isinstance(p, int) or not _is_branch_marker(p))


def _is_branch_marker(part: str) -> bool:
    return part in {"str", "bool", "int", "list[str]", "function-after", "literal"} or part.startswith(
        ("literal[", "function-")
    )


def _unknown_key_message(loc: Loc) -> str:
    key = str(loc[-1])
    allowed = sorted(_allowed_keys(loc[:-1]))
    hint = _closest(key, allowed)
    if hint:
        return f"unknown key {key!r}; did you mean {hint!r}?"
    return f"unknown key {key!r}; allowed: {', '.join(allowed)}"


def _allowed_keys(loc: Loc) -> list[str]:
    model = _model_at(Cluster, loc)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int) or (get_origin(current) is dict):
            current = _unwrap(_element_type(current))
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return None
        current = field.annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> `X`."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else args[0]
    return annotation


def _element_type(annotation: Any) -> Any:
    args = get_args(annotation)
    return args[-1] if args else typing.Any
