# Group comparisons (Fisher / Mann-Whitney) and time to event (Kaplan-Meier, log-rank).


def group_outputs():
    return []
