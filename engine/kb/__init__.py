"""The knowledge base: models, loading and validation."""

from engine.kb.loader import KbVersion, KnowledgeBase, default_kb_path, load_kb

__all__ = ["KbVersion", "KnowledgeBase", "default_kb_path", "load_kb"]
