"""C3's expert review: the expert pool, assignment with conflicts of interest, scores,
aggregation and ranking, the funding line, and board decisions."""
