"""Text hygiene for every string in the document, before any field-specific rule.

Identifiers, tags and names must be plain printable text: no control or format
characters (invisible in review, "Trojan Source"), no surrogates, already NFC (Terraform
normalises strings, so a non-NFC value would reach AWS changed), and no `${`/`%{`
(Terraform template syntax; no AWS name or tag accepts `$` or `{` anyway). Addon
`configuration` and node groups' `preBootstrapCommands` are free text: any content is
escaped on the way into HCL, but it too must be NFC, because Terraform reads every string
literal normalised.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.pipeline.checks.context import CheckContext

FREE_TEXT_PARENT = ("spec", "addons")
FREE_TEXT_FIELD = "configuration"
# Shell run on the node: any text, escaped into HCL and handed to cloud-init unchanged.
SHELL_PARENTS = (("spec", "managedNodeGroups"), ("spec", "selfManagedNodeGroups"))
SHELL_FIELD = "preBootstrapCommands"


# Account IDs of the starter spec and of AWS's documentation: an ARN still naming one points nowhere.
PLACEHOLDER_ACCOUNTS = ("111122223333", "123456789012")


def check(ctx: CheckContext) -> Iterator[Issue]:
    yield from _walk(ctx.raw, ())
    yield from _placeholders(ctx.raw, ())


def _placeholders(value: object, loc: Loc) -> Iterator[Issue]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "waivers":
                yield from _placeholders(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*loc, index))
    elif isinstance(value, str) and value.startswith("arn:"):
        account = next((a for a in PLACEHOLDER_ACCOUNTS if f":{a}:" in value), None)
        if account is not None:
            yield Issue(loc, f"{account} is a placeholder account ID (the starter's, or AWS's documentation "
                        "example): write your own account", severity="warning", rule="EKS018")


def _is_free_text(loc: Loc) -> bool:
    if len(loc) >= 4 and loc[:2] == FREE_TEXT_PARENT and loc[3] == FREE_TEXT_FIELD:
        return True
    return len(loc) == 5 and loc[:2] in SHELL_PARENTS and loc[3] == SHELL_FIELD


def _walk(value: object, loc: Loc) -> Iterator[Issue]:
    if isinstance(value, dict):
        for key, item in value.items():
            child = (*loc, key)
            if isinstance(key, str):
                problem = text_problem(key, free=_is_free_text(child))
                if problem:
                    yield Issue(loc=child, message=f"key {problem}", rule="EKS001")
            yield from _walk(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index))
    elif isinstance(value, str):
        problem = text_problem(value, free=_is_free_text(loc))
        if problem:
            yield Issue(loc=loc, message=problem, rule="EKS001")


def _unclosed_template(text: str) -> str | None:
    """`${`/`%{` with no `}` after it: valid once escaped, but the python-hcl2 reader eksgen
    proves its output with cannot parse it, so eksgen would be unable to verify the file."""
    for sigil in ("${", "%{"):
        start = text.find(sigil)
        while start != -1:
            if "}" not in text[start + 2:]:
                return f"contains {sigil!r} with no closing '}}' after it; eksgen cannot verify such text"
            start = text.find(sigil, start + 2)
    return None


def text_problem(text: str, *, free: bool) -> str | None:
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            return f"contains an unpaired surrogate U+{ord(ch):04X}, which cannot be written as UTF-8"
        if free:
            continue
        if category in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            return f"contains the invisible or control character U+{ord(ch):04X}; remove it"
    composed = unicodedata.normalize("NFC", text)
    if composed != text:  # free text too: Terraform normalises every string literal it reads
        changed = next(i for i, (a, b) in enumerate(zip(text + "\0", composed + "\0", strict=False)) if a != b)
        return (f"is not in Unicode NFC form: Terraform would read {composed[changed:changed + 3]!a} from "
                f"character {changed + 1} on; write it composed")
    if free:
        return _unclosed_template(text)
    if "${" in text or "%{" in text:
        return "must not contain '${' or '%{' (Terraform template syntax)"
    return None
