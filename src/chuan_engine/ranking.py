def cluster_ranking(report, facts):
    return None
