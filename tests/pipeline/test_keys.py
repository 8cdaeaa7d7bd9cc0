"""Module map keys from names: one row per way two principals can share a name."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.pipeline.keys import access_entry_keys

ROLE = "arn:aws:iam::111122223333:role/"
USER = "arn:aws:iam::111122223333:user/"


def digest(arn: str) -> str:
    return hashlib.sha256(arn.encode()).hexdigest()[:10]


@pytest.mark.parametrize(("arns", "keys"), [
    ([ROLE + "admins", ROLE + "ops"], ["admins", "ops"]),
    ([ROLE + "admins", "arn:aws:iam::444455556666:role/admins"], ["p_111122223333_admins", "p_444455556666_admins"]),
    ([ROLE + "admins", ROLE + "team/admins"], ["p_111122223333_admins", "p_111122223333_team_admins"]),
    ([ROLE + "0", USER + "0"], ["p_111122223333_role_0", "p_111122223333_user_0"]),  # same account, path, name
    ([USER + "0", ROLE + "0"], ["p_111122223333_user_0", "p_111122223333_role_0"]),  # order moves no key
    # names an identifier cannot tell apart: the longest key and a digest of each ARN
    ([ROLE + "a-b", ROLE + "a_b"], [f"p_111122223333_role_a_b_{digest(ROLE + 'a-b')}",
                                    f"p_111122223333_role_a_b_{digest(ROLE + 'a_b')}"]),
    ([ROLE + "a-b", ROLE + "x"], ["a_b", "x"]),  # punctuation alone changes no key
    ([ROLE + "a.b", ROLE + "a-b", ROLE + "ops"], [
        f"p_111122223333_role_a_b_{digest(ROLE + 'a.b')}", f"p_111122223333_role_a_b_{digest(ROLE + 'a-b')}", "ops"]),
])
def test_keys_are_unique_and_independent_of_order(arns: list[str], keys: list[str]) -> None:
    found = access_entry_keys(arns)
    assert [found[arn] for arn in arns] == keys


NAMES = st.text(alphabet="aA0-_.+=,@/", min_size=1, max_size=6).filter(lambda n: not n.startswith("/") and
                                                                     not n.endswith("/") and "//" not in n)


@given(st.lists(st.tuples(st.sampled_from(["111122223333", "444455556666"]), st.sampled_from(["role", "user"]),
                          NAMES), min_size=1, max_size=6))
def test_distinct_principals_never_share_a_key(principals: list[tuple[str, str, str]]) -> None:
    arns = [f"arn:aws:iam::{account}:{kind}/{name}" for account, kind, name in principals]
    keys = access_entry_keys(arns)
    assert len(set(keys.values())) == len(set(arns))
    assert access_entry_keys(list(reversed(arns))) == keys  # and reordering moves none
