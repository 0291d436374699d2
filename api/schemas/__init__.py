"""Request and response models of the HTTP API, separate from the engine's and the knowledge base's models."""
