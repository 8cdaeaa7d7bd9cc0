"""Access entries as the module takes them (generator/pipeline/plan/access.py): the type only when it is not
the module's default STANDARD, groups and policies only when given, a namespace scope with its namespaces."""

from __future__ import annotations

from generator.ir import Obj
from generator.pipeline.load import load_documents
from generator.pipeline.plan.access import access_entries
from generator.pipeline.run import check_document
from tests.helpers import OTHER_ROLE, ROLE, TEAM, TODAY, spec

POLICY = "arn:aws:eks::aws:cluster-access-policy"


def entries(access: str) -> Obj | None:
    (doc,) = load_documents(spec(append="  access:\n    entries:\n" + access), "c.yaml")
    checked = check_document(doc, today=TODAY)
    assert checked.errors == [] and checked.effective is not None, checked.errors
    return access_entries(checked.effective)


def test_each_entry_says_only_what_differs_from_the_module_defaults() -> None:
    found = entries(f"""\
      - principalArn: {ROLE}
      - principalArn: {OTHER_ROLE}
        type: EC2_LINUX
      - principalArn: {TEAM}
        kubernetesGroups: [team-a, team-b]
        policies:
          - policy: AmazonEKSViewPolicy
            scope: cluster
          - policy: AmazonEKSEditPolicy
            scope: namespace
            namespaces: [apps, jobs]
""")
    assert found == Obj((
        ("admins", Obj.of(principal_arn=ROLE)),
        ("ops", Obj.of(principal_arn=OTHER_ROLE, type="EC2_LINUX")),
        ("team", Obj.of(principal_arn=TEAM, kubernetes_groups=["team-a", "team-b"], policy_associations=Obj((
            ("view", Obj.of(policy_arn=f"{POLICY}/AmazonEKSViewPolicy", access_scope=Obj.of(type="cluster"))),
            ("edit", Obj.of(policy_arn=f"{POLICY}/AmazonEKSEditPolicy",
                            access_scope=Obj.of(type="namespace", namespaces=["apps", "jobs"]))),
        )))),
    ))
