# The reviewer's walkthrough notebook, executed by the workflow.


def notebook_outputs():
    return []
