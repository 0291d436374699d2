"""The cleaner-production plan: recommended options with quantified savings, cost, payback and priority; the
audit focus; targets; and the projected evaluation after implementation."""
