"""`eksgen upgrade`: a staged Kubernetes upgrade plan, one minor at a time, with its blockers, warnings,
stage specs and commits. `plan.py` composes it; `steps.py` says what each minor does, `findings.py` what
stops or should worry the plan, `stages.py` writes and proves each step's spec, `output.py` prints it,
`commit.py` writes the steps out or commits them."""
