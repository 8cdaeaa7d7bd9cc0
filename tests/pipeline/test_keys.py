"""Module map keys from names: one row per way two principals can share a name."""

from __future__ import annotations

import pytest

from generator.pipeline.keys import access_entry_keys

ROLE = "arn:aws:iam::111122223333:role/"
USER = "arn:aws:iam::111122223333:user/"


@pytest.mark.parametrize(("arns", "keys"), [
    ([ROLE + "admins", ROLE + "ops"], ["admins", "ops"]),
    ([ROLE + "admins", "arn:aws:iam::444455556666:role/admins"], ["p_111122223333_admins", "p_444455556666_admins"]),
    ([ROLE + "admins", ROLE + "team/admins"], ["p_111122223333_admins", "p_111122223333_team_admins"]),
    ([ROLE + "0", USER + "0"], ["p_111122223333_role_0", "p_111122223333_user_0"]),  # same account, path, name
    ([USER + "0", ROLE + "0"], ["p_111122223333_user_0", "p_111122223333_role_0"]),  # order moves no key
])
def test_keys_are_unique_and_independent_of_order(arns: list[str], keys: list[str]) -> None:
    found = access_entry_keys(arns)
    assert [found[arn] for arn in arns] == keys
