"""Forward-chaining inference: facts from the evaluation, rules run on durable_rules with a recorded trace,
and a plain evaluator of the same conditions (why-not explanations and differential oracle)."""
