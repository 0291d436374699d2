"""Pure functions over validated data: knowledge base, process graph, evaluation, inference, plan."""
