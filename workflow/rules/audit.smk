# Reviewer audit: published numbers beside regenerated values, consistency checks.


def audit_outputs():
    return []
